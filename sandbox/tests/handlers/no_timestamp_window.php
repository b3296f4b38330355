<?php

declare(strict_types=1);

// Broken: verifies the signature but not Wechatpay-Timestamp's 5-minute window, so a captured
// notification can be replayed at any time.
require __DIR__ . '/handwritten.php';

$steps = new Steps();
$steps->timestampWindow = false;
handle($steps);
