<?php

declare(strict_types=1);

// Broken: verifies and decrypts, but refuses a notification it has handled before, so that
// WeChat Pay, whose first answer was lost, retries it for a day.
require __DIR__ . '/handwritten.php';

$steps = new Steps();
$steps->refuseRepeats = true;
handle($steps);
