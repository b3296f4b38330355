<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use Wxpresign\Client;

/**
 * `new Client($config)` gives the process's shared client for the configuration, as a PHP-FPM
 * request does each time; `shared: false` a client of its own. Counted by the sandbox's own
 * GET /sandbox/stats.
 */
final class SharedClientTest extends SandboxTestCase
{
    /** @return array{connections_accepted: int, requests: int} */
    private static function stats(): array
    {
        $text = file_get_contents(self::config()['base_url'] . '/sandbox/stats');
        self::assertIsString($text);
        return json_decode($text, true, 512, JSON_THROW_ON_ERROR);
    }

    public function testAClientPerRequestKeepsOneConnection(): void
    {
        $config = array_merge(self::config(), ['user_agent' => 'php-shared-test']);
        $before = self::stats();
        for ($i = 0; $i < 10; $i++) {
            $client = new Client($config);
            $answer = $client->chain(self::EDU)->post(['json' => self::example(self::EDU)]);
            self::assertSame(200, $answer['status']);
            unset($client);
        }
        $after = self::stats();
        // The stats request itself is one more request and one more connection.
        self::assertSame(10 + 1, $after['requests'] - $before['requests']);
        self::assertSame(1 + 1, $after['connections_accepted'] - $before['connections_accepted']);
    }

    public function testAPrivateClientOpensItsOwnConnection(): void
    {
        $config = array_merge(self::config(), ['user_agent' => 'php-private-test']);
        $before = self::stats();
        for ($i = 0; $i < 3; $i++) {
            $client = new Client($config, shared: false);
            self::assertSame(200, $client->chain(self::EDU)->post(['json' => self::example(self::EDU)])['status']);
            unset($client);
        }
        $after = self::stats();
        self::assertSame(3 + 1, $after['connections_accepted'] - $before['connections_accepted']);
    }
}
