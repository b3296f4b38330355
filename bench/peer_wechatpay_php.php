<?php

declare(strict_types=1);

// The same calls through wechatpay-php (composer package wechatpay/wechatpay), for bench/compare:
//   WECHATPAY_PHP_AUTOLOAD=AUTOLOAD_PHP php bench/peer_wechatpay_php.php CLIENT_JSON CALLS [per-request]
// AUTOLOAD_PHP loads the SDK and Guzzle (after `composer require wechatpay/wechatpay`, it is
// vendor/autoload.php). Public-key mode (certs: {PUB_KEY_ID: public key}) with the sandbox's keys
// and its base URL as Guzzle's base_uri. The SDK signs each request and its `verifier` middleware
// checks each answer's signature, serial and timestamp (an answer that fails is an exception).
// Prints {"calls","cpu_s","wall_s"} (getrusage of this process around the calls). per-request:
// each call builds the SDK's client (keys parsed, Guzzle stack) first, as each PHP-FPM request does.

require __DIR__ . '/measure.php';

$autoload = getenv('WECHATPAY_PHP_AUTOLOAD');
if ($autoload === false || $autoload === '') {
    fwrite(STDERR, "set WECHATPAY_PHP_AUTOLOAD to the autoload.php that loads wechatpay/wechatpay\n");
    exit(2);
}
require $autoload;

use WeChatPay\Builder;
use WeChatPay\Crypto\Rsa;

[$configPath, $calls, $perRequest] = arguments($argv, 'peer_wechatpay_php.php');
$build = static function () use ($configPath) {
    $config = json_decode((string) file_get_contents($configPath), true, 16, JSON_THROW_ON_ERROR);
    return Builder::factory([
        // The SDK refuses a merchant id that is not a string.
        'mchid' => (string) $config['mchid'],
        'serial' => $config['merchant_serial_no'],
        'privateKey' => Rsa::from($config['merchant_private_key'], Rsa::KEY_TYPE_PRIVATE),
        'certs' => [
            $config['wechatpay_public_key_id'] => Rsa::from($config['wechatpay_public_key'], Rsa::KEY_TYPE_PUBLIC),
        ],
        'base_uri' => rtrim($config['base_url'], '/') . '/',
    ]);
};
$kept = $perRequest ? null : $build();
measure(static function () use ($kept, $build): void {
    $wxpay = $kept ?? $build();
    $answer = $wxpay->chain(EDU)->post(['json' => REQUEST]);
    $data = json_decode((string) $answer->getBody(), true);
    if ($answer->getStatusCode() !== 200 || !isset($data['presign_token'])) {
        throw new RuntimeException('unexpected answer: ' . $answer->getStatusCode() . ' ' . $answer->getBody());
    }
}, $calls);
