<?php

declare(strict_types=1);

// The same calls through wechatpay-php (composer package wechatpay/wechatpay), for bench/compare:
//   WECHATPAY_PHP_AUTOLOAD=AUTOLOAD_PHP php bench/peer_wechatpay_php.php CLIENT_JSON CALLS
// AUTOLOAD_PHP loads the SDK and Guzzle (after `composer require wechatpay/wechatpay`, it is
// vendor/autoload.php). Public-key mode (certs: {PUB_KEY_ID: public key}) with the sandbox's keys
// and its base URL as Guzzle's base_uri. The SDK signs each request and its `verifier` middleware
// checks each answer's signature, serial and timestamp (an answer that fails is an exception).
// Prints {"calls","cpu_s","wall_s"} (getrusage of this process around the calls).

$autoload = getenv('WECHATPAY_PHP_AUTOLOAD');
if ($autoload === false || $autoload === '') {
    fwrite(STDERR, "set WECHATPAY_PHP_AUTOLOAD to the autoload.php that loads wechatpay/wechatpay\n");
    exit(2);
}
require $autoload;

use WeChatPay\Builder;
use WeChatPay\Crypto\Rsa;

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

[, $configPath, $calls] = $argv + [null, null, null];
if ($configPath === null || (int) $calls < 1) {
    fwrite(STDERR, "usage: php bench/peer_wechatpay_php.php CLIENT_JSON CALLS\n");
    exit(2);
}
$calls = (int) $calls;
$config = json_decode((string) file_get_contents($configPath), true, 16, JSON_THROW_ON_ERROR);
$wxpay = Builder::factory([
    // The SDK refuses a merchant id that is not a string.
    'mchid' => (string) $config['mchid'],
    'serial' => $config['merchant_serial_no'],
    'privateKey' => Rsa::from($config['merchant_private_key'], Rsa::KEY_TYPE_PRIVATE),
    'certs' => [
        $config['wechatpay_public_key_id'] => Rsa::from($config['wechatpay_public_key'], Rsa::KEY_TYPE_PUBLIC),
    ],
    'base_uri' => rtrim($config['base_url'], '/') . '/',
]);
$call = static function () use ($wxpay): void {
    $answer = $wxpay->chain(EDU)->post(['json' => REQUEST]);
    $data = json_decode((string) $answer->getBody(), true);
    if ($answer->getStatusCode() !== 200 || !isset($data['presign_token'])) {
        throw new RuntimeException('unexpected answer: ' . $answer->getStatusCode() . ' ' . $answer->getBody());
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
