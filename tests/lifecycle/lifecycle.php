<?php

// One contract's life after signing, through the PHP binding: query it, terminate it, query it
// again, and query one that is not there (arguments as tests/lifecycle/lifecycle.c takes them).
//
//   php lifecycle.php CONFIG CONTRACT_ID QUERY METHOD TERMINATE BODY AFTER NEEDLE UNKNOWN
//
// Or one step of a scheduled deduction through the chain, whose output must hold NEEDLE:
//
//   php lifecycle.php CONFIG schedule|apply REQUEST NEEDLE
//   php lifecycle.php CONFIG order REQUEST NEEDLE
//   php lifecycle.php CONFIG notification HEADERS BODY_FILE NEEDLE
//
// and the other families' money steps (global, global_order, combine, combine_order,
// repay_schedule, repay, repay_order, insurance-schedule, insurance-apply, edu-notice,
// edu-deduct, edu-order, campus-deduct: REQUEST NEEDLE), each a chain by its table path.

declare(strict_types=1);

require dirname(__DIR__, 2) . '/bindings/php/autoload.php';

use Wxpresign\ApiException;
use Wxpresign\Client;

/** The table path of each other family's step, called through its chain. */
$check = static function (bool $ok, string $what): void {
    echo ($ok ? 'ok ' : 'FAILED ') . $what . "\n";
    if (!$ok) {
        exit(1);
    }
};
if ($argc === 5 || $argc === 6) {
    $client = new Client($argv[1], shared: false);
    $step = $argv[2];
    $out = match ($step) {
        'schedule' => $client->chain('v3/papay/pay/schedules/contract-id/{contract_id}/schedule')
            ->post(scheduleOptions(json_decode($argv[3], true, 512, JSON_THROW_ON_ERROR))),
        'apply' => $client->chain('v3/papay/pay/transactions/apply')
            ->post(['json' => json_decode($argv[3], true, 512, JSON_THROW_ON_ERROR)]),
        'order' => chained($client, 'v3/pay/transactions/out-trade-no/{out_trade_no}', $argv[3]),
        'global' => chained($client, 'v3/global/papay/transactions', $argv[3]),
        'global_order' => chained($client, 'v3/global/papay/transactions/out-trade-no/{out_trade_no}', $argv[3]),
        'combine' => chained($client, 'v3/ecommerce/combine-papay/transactions', $argv[3]),
        'combine_order' => chained($client, 'v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}', $argv[3]),
        'repay_schedule' => chained($client, 'v3/credit-repayment/partner/schedule-records/batch-create', $argv[3]),
        'repay' => chained($client, 'v3/credit-repayment/partner/deduct-orders', $argv[3]),
        'repay_order' => chained($client, 'v3/credit-repayment/partner/deduct-orders/{out_trade_no}', $argv[3]),
        'insurance-schedule' => posted($client, 'v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}/schedule', $argv[3]),
        'insurance-apply' => chained($client, 'v3/papay/insurance-pay/transactions/apply', $argv[3]),
        'edu-notice' => posted($client, 'v3/edu-papay/user-notifications/{contract_id}/send', $argv[3]),
        'edu-deduct' => chained($client, 'v3/edu-papay/transactions', $argv[3]),
        'edu-order' => chained($client, 'v3/edu-papay/transactions/out-trade-no/{out_trade_no}', $argv[3]),
        'campus-deduct' => chained($client, 'v3/eduschoolpay/transactions', $argv[3]),
        'notification' => $client->parseNotification(
            json_decode($argv[3], true, 512, JSON_THROW_ON_ERROR),
            (string) file_get_contents($argv[4]),
        ),
    };
    $text = json_encode($out, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
    echo $text . "\n";
    $check(str_contains((string) $text, $argv[$argc - 1]), $step);
    exit(0);
}

/** A table call through the chain, REQUEST's members placed by the table: the steps' paths
 * with a parameter are their family's queries (GET), the others POST. */
function chained(Client $client, string $path, string $request): array
{
    $members = json_decode($request, true, 512, JSON_THROW_ON_ERROR);
    return str_contains($path, '{')
        ? $client->chain($path)->get($members)
        : $client->chain($path)->post($members);
}

/** A POST through the chain of a table path whose parameters the request also carries. */
function posted(Client $client, string $path, string $request): array
{
    return $client->chain($path)->post(json_decode($request, true, 512, JSON_THROW_ON_ERROR));
}

/** The chain's options of a schedule request: the path parameter beside the body. */
function scheduleOptions(array $request): array
{
    $contractId = $request['contract_id'];
    unset($request['contract_id']);
    return ['contract_id' => $contractId, 'json' => $request];
}

[, $config, $contractId, $query, $method, $terminate, $body, $after, $needle, $unknown] = $argv;
$client = new Client($config, shared: false);
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
