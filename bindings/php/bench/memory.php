<?php

declare(strict_types=1);

// Memory check: 10,000 calls through the binding against a sandbox, printing the process's RSS
// after a 500-call warm-up and at the end. Exits 1 when RSS grew by 5 MiB or more: a string not
// freed, a client leaked. Every other call is each endpoint's example in turn (a verified answer
// to decode); the rest are API errors from the sandbox's faults (an exception to build), which
// also keeps the run short: the sandbox signs no answer for them.
//
//   php bench/memory.php SANDBOX/client.json [CALLS]      (WXPRESIGN_LIBRARY names the library)

require dirname(__DIR__) . '/autoload.php';

use Wxpresign\ApiException;
use Wxpresign\Client;

const WARM_UP = 500;
const LIMIT_KIB = 5 * 1024;
const EDU = 'v3/edu-papay/contracts/presign';

function rss_kib(): int
{
    $status = (string) file_get_contents('/proc/self/status');
    if (preg_match('/^VmRSS:\s+(\d+) kB$/m', $status, $match) !== 1) {
        throw new RuntimeException('no VmRSS in /proc/self/status: this check needs Linux');
    }
    return (int) $match[1];
}

$config = $argv[1] ?? null;
$calls = (int) ($argv[2] ?? 10_000);
if ($config === null || $calls <= WARM_UP) {
    fwrite(STDERR, "usage: php bench/memory.php CLIENT_JSON [CALLS > " . WARM_UP . "]\n");
    exit(2);
}

$client = new Client($config);
// The pre-signs: the calls on a contract are not answered by the sandbox yet.
$endpoints = array_values(array_filter(Client::endpoints(), static fn (array $e): bool => $e['stage'] === 'presign'));
$failing = [];
foreach ($endpoints as $endpoint) {
    if ($endpoint['path'] === EDU) {
        // The education endpoint's fault field is user_id.
        foreach (['SANDBOXSYSTEMERROR', 'SANDBOXFREQUENCYLIMITED', 'SANDBOXBADGATEWAY'] as $fault) {
            $failing[] = ['user_id' => $fault] + $endpoint['example'];
        }
    }
}

$call = static function (int $i) use ($client, $endpoints, $failing): void {
    if ($i % 2 === 1) {
        $request = $failing[intdiv($i, 2) % count($failing)];
        try {
            $client[EDU]->post(['json' => $request]);
        } catch (ApiException $e) {
            return;
        }
        throw new RuntimeException("{$request['user_id']} did not fail");
    }
    $endpoint = $endpoints[intdiv($i, 2) % count($endpoints)];
    $answer = $client[$endpoint['path']]->post(['json' => $endpoint['example']]);
    if ($answer['status'] !== 200) {
        throw new RuntimeException("{$endpoint['path']} answered {$answer['status']}");
    }
};

$started = microtime(true);
for ($i = 0; $i < WARM_UP; $i++) {
    $call($i);
}
$before = rss_kib();
for (; $i < $calls; $i++) {
    $call($i);
}
$after = rss_kib();
$seconds = microtime(true) - $started;

$growth = $after - $before;
printf(
    "%d calls in %.1f s (%.2f ms each); RSS after %d: %d KiB, after %d: %d KiB, growth %+d KiB (limit %d KiB)\n",
    $calls,
    $seconds,
    $seconds * 1000 / $calls,
    WARM_UP,
    $before,
    $calls,
    $after,
    $growth,
    LIMIT_KIB,
);
exit($growth < LIMIT_KIB ? 0 : 1);
