<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use Wxpresign\ApiException;
use Wxpresign\Client;

/** A PSR-3 logger given to the client receives one record per call, with its trace. */
final class LoggerTest extends SandboxTestCase
{
    public function testEachCallIsOneRecordWithItsTrace(): void
    {
        $logger = new class {
            /** @var list<array{string, string, array<string, mixed>}> */
            public array $records = [];

            /** @param array<string, mixed> $context */
            public function log(mixed $level, string $message, array $context = []): void
            {
                $this->records[] = [(string) $level, $message, $context];
            }
        };
        $client = new Client(self::configPath(), logger: $logger);
        $answer = $client->chain(self::EDU)->post(['json' => self::example(self::EDU)]);
        try {
            $client->chain(self::EDU)->post(['json' => array_merge(self::example(self::EDU), ['user_id' => 'SANDBOXSYSTEMERROR'])]);
            self::fail('the fault did not fail');
        } catch (ApiException) {
        }

        self::assertCount(2, $logger->records);
        [$level, $message, $context] = $logger->records[0];
        self::assertSame('info', $level);
        self::assertStringContainsString(self::EDU, $message);
        self::assertSame($answer['request_id'], $context['request_id']);
        self::assertSame('answered 200', $context['trace']['attempts'][0]['outcome']);
        [$level, , $context] = $logger->records[1];
        self::assertSame('warning', $level);
        self::assertSame(500, $context['status']);
        self::assertTrue($context['may_have_reached_server']);
        self::assertSame('answered 500', $context['trace']['attempts'][0]['outcome']);
    }

    public function testALoggerWithoutLogIsRefused(): void
    {
        $this->expectException(\Wxpresign\ArgumentException::class);
        new Client(self::configPath(), logger: new \stdClass());
    }
}
