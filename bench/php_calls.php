<?php

declare(strict_types=1);

// Client CPU per pre-sign call through the PHP binding, for bench/compare:
//   php bench/php_calls.php CLIENT_JSON CALLS          (WXPRESIGN_LIBRARY names the library)
// One unmeasured call, then CALLS calls of the README's education request in the wechatpay-php
// shape; prints {"calls","cpu_s","wall_s"} (getrusage of this process around the calls).

require dirname(__DIR__) . '/bindings/php/autoload.php';

use Wxpresign\Client;

const EDU = 'v3/edu-papay/contracts/presign';
const REQUEST = [
    'appid' => 'wx8888888888888888',
    'openid' => 'oUpF8uMuAJOM2pxb1Q',
    'plan_id' => '101164396123311331',
    'user_id' => '20200330tony',
    'period_start_date' => '2026-12-19',
    'trade_scene' => 'EDUCATION_PERIOD',
];

function cpu_seconds(): float
{
    $u = getrusage();
    return $u['ru_utime.tv_sec'] + $u['ru_stime.tv_sec']
        + ($u['ru_utime.tv_usec'] + $u['ru_stime.tv_usec']) / 1e6;
}

[, $config, $calls] = $argv + [null, null, null];
if ($config === null || (int) $calls < 1) {
    fwrite(STDERR, "usage: php bench/php_calls.php CLIENT_JSON CALLS\n");
    exit(2);
}
$calls = (int) $calls;
$client = new Client($config);
$call = static function () use ($client): void {
    $answer = $client[EDU]->post(['json' => REQUEST]);
    if ($answer['status'] !== 200 || !isset($answer['data']['presign_token'])) {
        throw new RuntimeException('unexpected answer: ' . json_encode($answer));
    }
};
$call();
$cpu = cpu_seconds();
$wall = hrtime(true);
for ($i = 0; $i < $calls; $i++) {
    $call();
}
$wall = (hrtime(true) - $wall) / 1e9;
$cpu = cpu_seconds() - $cpu;
echo json_encode(['calls' => $calls, 'cpu_s' => $cpu, 'wall_s' => $wall]), "\n";
