<?php

declare(strict_types=1);

require __DIR__ . '/../autoload.php'; // with Composer: require 'vendor/autoload.php';

use Wxpresign\Client;
use Wxpresign\Exception;
use Wxpresign\ValidationException;

try {
    // One client per configuration, reused for every call: it holds the parsed keys.
    $client = new Client(getenv('WXPRESIGN_CONFIG') ?: '/etc/wxpresign/client.json');
    $answer = $client->v3->eduPapay->contracts->presign->post(['json' => [
        'appid' => 'wx8888888888888888',
        'openid' => 'oUpF8uMuAJOM2pxb1Q',
        'plan_id' => '101164396123311331',
        'user_id' => '20200330tony',
        'period_start_date' => '2026-12-19',
        'trade_scene' => 'EDUCATION_PERIOD',
    ]]);
    // ['status' => 200, 'request_id' => '...', 'data' => ['presign_token' => '...']]
    echo "presign_token: {$answer['data']['presign_token']}\n";
} catch (ValidationException $e) {
    // Nothing was sent: the request broke the endpoint's schema at $e->getField().
    fwrite(STDERR, "invalid request at {$e->getField()}: {$e->getMessage()}\n");
    exit(1);
} catch (Exception $e) {
    // Retryable errors (429, 5xx, transport) may be resent with the same request.
    $retry = $e->isRetryable() ? ', retryable' : '';
    fwrite(STDERR, "{$e->getKind()} error{$retry}: {$e->getMessage()}\n");
    exit(1);
}
