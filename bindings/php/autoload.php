<?php

declare(strict_types=1);

// The PSR-4 autoloader for Wxpresign\ when the package is used without Composer:
// require 'path/to/bindings/php/autoload.php';
spl_autoload_register(static function (string $class): void {
    $prefix = 'Wxpresign\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
