<?php

declare(strict_types=1);

// Client CPU per pre-sign call through the PHP binding, for bench/compare:
//   php bench/php_calls.php CLIENT_JSON CALLS [per-request]   (WXPRESIGN_LIBRARY names the library)
// One unmeasured call, then CALLS calls of the README's education request in the wechatpay-php
// shape; prints {"calls","cpu_s","wall_s"} (getrusage of this process around the calls).
// per-request: each call is what a PHP-FPM request does, `new Client($config)` (the worker's
// shared client) and one call.

require dirname(__DIR__) . '/bindings/php/autoload.php';
require __DIR__ . '/measure.php';

use Wxpresign\Client;

[$config, $calls, $perRequest] = arguments($argv, 'php_calls.php');
$kept = $perRequest ? null : new Client($config);
measure(static function () use ($kept, $config): void {
    $client = $kept ?? new Client($config);
    $answer = $client[EDU]->post(['json' => REQUEST]);
    if ($answer['status'] !== 200 || !isset($answer['data']['presign_token'])) {
        throw new RuntimeException('unexpected answer: ' . json_encode($answer));
    }
}, $calls);
