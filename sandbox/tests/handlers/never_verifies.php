<?php

declare(strict_types=1);

// Broken: decrypts the resource but never checks the signature, so anyone who can post to the
// URL can forge a notification (one made up, or a real one replayed).
require __DIR__ . '/handwritten.php';

$steps = new Steps();
$steps->verify = false;
handle($steps);
