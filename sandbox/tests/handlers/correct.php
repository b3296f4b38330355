<?php

declare(strict_types=1);

// Every step: the hand-written handler done right, which passes every check.
require __DIR__ . '/handwritten.php';

handle(new Steps());
