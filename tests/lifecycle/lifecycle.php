<?php

// One contract's life after signing, through the PHP binding: query it, terminate it, query it
// again, and query one that is not there (arguments as tests/lifecycle/lifecycle.c takes them).
//
//   php lifecycle.php CONFIG CONTRACT_ID QUERY METHOD TERMINATE BODY AFTER NEEDLE UNKNOWN

declare(strict_types=1);

require dirname(__DIR__, 2) . '/bindings/php/autoload.php';

use Wxpresign\ApiException;
use Wxpresign\Client;

[, $config, $contractId, $query, $method, $terminate, $body, $after, $needle, $unknown] = $argv;
$client = new Client($config, shared: false);

$check = static function (bool $ok, string $what): void {
    echo ($ok ? 'ok ' : 'FAILED ') . $what . "\n";
    if (!$ok) {
        exit(1);
    }
};
$found = $client->request('GET', $query);
$check(str_contains(json_encode($found['data'], JSON_UNESCAPED_UNICODE), $contractId), 'found');
$options = $body === '' ? [] : ['json' => json_decode($body, true, 512, JSON_THROW_ON_ERROR)];
$ended = $client->request($method, $terminate, $options);
$check($ended['status'] >= 200 && $ended['status'] < 300, 'terminated');
$check(str_contains(json_encode($client->request('GET', $after)['data'], JSON_UNESCAPED_UNICODE), $needle), 'terminated when queried');
try {
    $client->request('GET', $unknown);
    $check(false, 'an unknown contract is 404');
} catch (ApiException $e) {
    $check($e->getHttpStatus() === 404, 'an unknown contract is 404');
}
