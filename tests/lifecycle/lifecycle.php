<?php

// One e-commerce contract's life after signing, through the PHP binding's chains: query it by
// plan and contract code, terminate it, query it again, and query one that is not there.
//
//   php lifecycle.php CONFIG.json OUT_CONTRACT_CODE      (WXPRESIGN_LIBRARY names the library)

declare(strict_types=1);

require dirname(__DIR__, 2) . '/bindings/php/autoload.php';

use Wxpresign\ApiException;
use Wxpresign\Client;

[, $config, $code] = $argv;
$client = new Client($config, shared: false);
$contract = $client->chain('v3/ecommerce/combine-papay/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}');
$keys = ['plan_id' => '12535', 'out_contract_code' => $code];

$check = static function (bool $ok, string $what): void {
    echo ($ok ? 'ok ' : 'FAILED ') . $what . "\n";
    if (!$ok) {
        exit(1);
    }
};
$check($contract->get($keys)['data']['contract_state'] === 'SIGNED', 'signed');
$terminated = $contract->terminate->post($keys + ['json' => ['contract_termination_remark' => '用户解约']]);
$check($terminated['status'] === 200 && $terminated['data']['out_contract_code'] === $code, 'terminated');
$check($contract->get($keys)['data']['contract_state'] === 'TERMINATED', 'terminated when queried');
try {
    $contract->get(['plan_id' => '12535', 'out_contract_code' => 'NOSUCH1']);
    $check(false, 'an unknown contract is 404');
} catch (ApiException $e) {
    $check($e->getHttpStatus() === 404 && $e->getApiCode() === 'RESOURCE_NOT_EXISTS', 'an unknown contract is 404');
}
