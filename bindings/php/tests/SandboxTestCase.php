<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use PHPUnit\Framework\TestCase;
use Wxpresign\Client;

/**
 * Tests against the sandbox sandbox/tests/php_binding.rs serves: WXPRESIGN_TEST_CONFIG is its
 * client.json (sandbox.json, beside it, holds the platform key that signs notifications), and
 * WXPRESIGN_LIBRARY the libwxpresign that `cargo test` built.
 */
abstract class SandboxTestCase extends TestCase
{
    public const EDU = 'v3/edu-papay/contracts/presign';

    /** @var list<array<string, mixed>>|null */
    private static ?array $endpoints = null;

    protected static function configPath(): string
    {
        $path = getenv('WXPRESIGN_TEST_CONFIG');
        if (!is_string($path) || !is_file($path)) {
            self::fail('WXPRESIGN_TEST_CONFIG must name a sandbox client.json: run `cargo test --test it -- php_binding::`');
        }
        return $path;
    }

    /** @return array<string, mixed> the sandbox's client configuration */
    protected static function config(): array
    {
        return json_decode((string) file_get_contents(self::configPath()), true, 512, JSON_THROW_ON_ERROR);
    }

    /** @return array<string, mixed> sandbox.json: platform_private_key, platform_serial, apiv3_key */
    protected static function sandboxSecrets(): array
    {
        $path = dirname(self::configPath()) . '/sandbox.json';
        return json_decode((string) file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
    }

    /** @param array<string, mixed> $changes configuration members to replace */
    protected static function client(array $changes = []): Client
    {
        return $changes === [] ? new Client(self::configPath()) : new Client(array_merge(self::config(), $changes));
    }

    /** @return list<array<string, mixed>> the library's endpoint table */
    protected static function endpoints(): array
    {
        return self::$endpoints ??= Client::endpoints();
    }

    /** @return array<string, mixed> the table's example request for $path */
    protected static function example(string $path): array
    {
        foreach (self::endpoints() as $endpoint) {
            if ($endpoint['path'] === $path) {
                return $endpoint['example'];
            }
        }
        self::fail("{$path} is not in the endpoint table");
    }

    /** @return array<string, mixed> the education example with user_id (its fault field) set */
    protected static function eduWithUser(string $userId): array
    {
        $request = self::example(self::EDU);
        $request['user_id'] = $userId;
        return $request;
    }

    /** @param array<string, mixed> $answer */
    protected static function assertSuccessfulAnswer(array $answer): void
    {
        self::assertSame(200, $answer['status']);
        self::assertIsString($answer['request_id']);
        self::assertNotSame('', $answer['request_id']);
        self::assertIsArray($answer['data']);
        self::assertNotEmpty($answer['data']);
    }

    /**
     * Runs PHP on $arguments with $environment added (a null value removes the variable);
     * returns [exit code, stdout + stderr].
     *
     * @param list<string> $arguments
     * @param array<string, ?string> $environment
     * @return array{int, string}
     */
    protected static function php(array $arguments, array $environment = [], ?string $stdin = null): array
    {
        $process = proc_open(
            [PHP_BINARY, ...$arguments],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]],
            $pipes,
            null,
            array_filter($environment + getenv(), static fn (?string $value): bool => $value !== null),
        );
        self::assertIsResource($process);
        fwrite($pipes[0], $stdin ?? '');
        fclose($pipes[0]);
        $output = (string) stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        return [proc_close($process), $output];
    }
}
