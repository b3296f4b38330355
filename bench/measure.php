<?php

declare(strict_types=1);

// What bench/compare's PHP clients share (php_calls.php, peer_wechatpay_php.php): the README's
// education request, the command line, and the measurement.

const EDU = 'v3/edu-papay/contracts/presign';
const REQUEST = [
    'appid' => 'wx8888888888888888',
    'openid' => 'oUpF8uMuAJOM2pxb1Q',
    'plan_id' => '101164396123311331',
    'user_id' => '20200330tony',
    'period_start_date' => '2026-12-19',
    'trade_scene' => 'EDUCATION_PERIOD',
];

/**
 * CLIENT_JSON, CALLS and the mode from the command line of `$script`, or exit 2 with its usage.
 * The mode "per-request" makes a new client for every call, as each PHP-FPM request does.
 *
 * @return array{string, int, bool}
 */
function arguments(array $argv, string $script): array
{
    [, $config, $calls, $mode] = $argv + [null, null, null, null];
    if ($config === null || (int) $calls < 1 || ($mode !== null && $mode !== 'per-request')) {
        fwrite(STDERR, "usage: php bench/{$script} CLIENT_JSON CALLS [per-request]\n");
        exit(2);
    }
    return [$config, (int) $calls, $mode === 'per-request'];
}

function cpu_seconds(): float
{
    $u = getrusage();
    return $u['ru_utime.tv_sec'] + $u['ru_stime.tv_sec']
        + ($u['ru_utime.tv_usec'] + $u['ru_stime.tv_usec']) / 1e6;
}

/** One unmeasured `$call`, then `$calls` of them; prints {"calls","cpu_s","wall_s"}. */
function measure(callable $call, int $calls): void
{
    $call();
    $cpu = cpu_seconds();
    $wall = hrtime(true);
    for ($i = 0; $i < $calls; $i++) {
        $call();
    }
    $wall = (hrtime(true) - $wall) / 1e9;
    $cpu = cpu_seconds() - $cpu;
    echo json_encode(['calls' => $calls, 'cpu_s' => $cpu, 'wall_s' => $wall]), "\n";
}
