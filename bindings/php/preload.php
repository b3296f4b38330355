<?php

declare(strict_types=1);

// opcache.preload script for PHP-FPM (README.md: Preloading for PHP-FPM). It preloads the
// Wxpresign classes (ffi.enable=preload lets only preloaded code call FFI) and declares the FFI
// scope WXPRESIGN with FFI::load, unless ffi.preload already declared it, so that clients use
// FFI::scope instead of parsing the header and opening the library on every request.

require __DIR__ . '/autoload.php';

foreach (glob(__DIR__ . '/src/*.php') ?: [] as $file) {
    class_exists('Wxpresign\\' . basename($file, '.php'));
}

\Wxpresign\Library::preload();
