<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use Wxpresign\ApiException;
use Wxpresign\Client;
use Wxpresign\ArgumentException;
use Wxpresign\ConfigException;
use Wxpresign\CryptoException;
use Wxpresign\Exception;
use Wxpresign\InternalException;
use Wxpresign\TransportException;
use Wxpresign\ValidationException;
use Wxpresign\VerifyException;

/** Each failure surfaces as the exception of its kind, carrying the library's error members. */
final class ErrorsTest extends SandboxTestCase
{
    public function testAValidationErrorNamesTheFieldByJsonPointer(): void
    {
        $request = self::example(self::EDU);
        $request['period_start_date'] = '2026-02-30';

        try {
            self::client()[self::EDU]->post(['json' => $request]);
            self::fail('an impossible date was sent');
        } catch (ValidationException $e) {
            self::assertSame('/period_start_date', $e->getField());
            self::assertSame('validation', $e->getKind());
            self::assertSame(3, $e->getStatusCode());
            self::assertSame(3, $e->getCode());
            self::assertStringStartsWith('/period_start_date: ', $e->getMessage());
            self::assertIsString($e->getIssue());
            self::assertFalse($e->mayHaveReachedServer());
            self::assertFalse($e->isRetryable());
        }
    }

    public function testANestedValidationErrorPointsIntoTheObject(): void
    {
        $path = 'v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi';
        $request = self::example($path);
        $request['deduct_schedule']['estimated_deduct_amount']['total'] = -5;

        try {
            self::client()[$path]->post(['json' => $request]);
            self::fail('a negative amount was sent');
        } catch (ValidationException $e) {
            self::assertSame('/deduct_schedule/estimated_deduct_amount/total', $e->getField());
        }
    }

    public function testAnApiErrorCarriesWeChatsStatusCodeAndRequestId(): void
    {
        try {
            self::client()[self::EDU]->post(['json' => self::eduWithUser('SANDBOXSYSTEMERROR')]);
            self::fail('the sandbox fault did not fail');
        } catch (ApiException $e) {
            self::assertSame('api', $e->getKind());
            self::assertSame(5, $e->getStatusCode());
            self::assertSame(500, $e->getHttpStatus());
            self::assertSame('SYSTEM_ERROR', $e->getApiCode());
            self::assertNotSame('', (string) $e->getRequestId());
            self::assertTrue($e->isRetryable());
            self::assertTrue($e->mayHaveReachedServer());
            self::assertNull($e->getAnswer());
        }
    }

    public function testARateLimitIsARetryableApiError(): void
    {
        try {
            self::client()[self::EDU]->post(['json' => self::eduWithUser('SANDBOXFREQUENCYLIMITED')]);
            self::fail('the sandbox fault did not fail');
        } catch (ApiException $e) {
            self::assertSame(429, $e->getHttpStatus());
            self::assertSame('FREQUENCY_LIMITED', $e->getApiCode());
            self::assertTrue($e->isRetryable());
        }
    }

    public function testAnAnswerSignedWithTheWrongKeyIsAVerifyError(): void
    {
        try {
            self::client()[self::EDU]->post(['json' => self::eduWithUser('SANDBOXBADSIGNATURE')]);
            self::fail('a forged answer was accepted');
        } catch (VerifyException $e) {
            self::assertSame('verify', $e->getKind());
            self::assertSame(6, $e->getStatusCode());
            self::assertTrue($e->mayHaveReachedServer());
            self::assertFalse($e->isProbe());
        }
    }

    public function testAProbeAnswerIsAVerifyErrorFlaggedAsAProbe(): void
    {
        try {
            self::client()[self::EDU]->post(['json' => self::eduWithUser('SANDBOXPROBE')]);
            self::fail('a probe answer was accepted');
        } catch (VerifyException $e) {
            self::assertTrue($e->isProbe());
        }
    }

    /**
     * @param array<string, mixed> $config
     * @return array<string, mixed> $config with every host a closed port on loopback
     */
    private static function unreachable(array $config): array
    {
        return array_merge($config, [
            'base_url' => 'http://127.0.0.1:1',
            'global_base_url' => 'http://127.0.0.1:1',
            'connect_timeout_ms' => 2000,
            'timeout_ms' => 2000,
        ]);
    }

    public function testAnUnreachableServerIsATransportError(): void
    {
        $client = new Client(self::unreachable(self::config()));

        try {
            $client[self::EDU]->post(['json' => self::example(self::EDU)]);
            self::fail('a closed port answered');
        } catch (TransportException $e) {
            self::assertSame('transport', $e->getKind());
            self::assertSame(4, $e->getStatusCode());
            self::assertTrue($e->isRetryable());
            self::assertFalse($e->mayHaveReachedServer());
        }
    }

    public function testACertificateDownloadThatFailsBeforeTheFirstCallIsItsCause(): void
    {
        // No WeChat Pay key yet: the platform certificates are downloaded before the first call.
        $config = array_filter(
            self::config(),
            static fn (string $member): bool => !str_starts_with($member, 'wechatpay_public_key'),
            ARRAY_FILTER_USE_KEY,
        );
        $client = new Client(self::unreachable(array_merge($config, ['download_platform_certificates' => true])));

        try {
            $client[self::EDU]->post(['json' => self::example(self::EDU)]);
            self::fail('a closed port answered');
        } catch (TransportException $e) {
            self::assertFalse($e->mayHaveReachedServer());
            self::assertSame('transport', $e->getCause()['kind'] ?? null);
            self::assertStringContainsString('127.0.0.1:1', (string) ($e->getCause()['message'] ?? ''));
        }
    }

    public function testAnIncompleteConfigurationIsAConfigError(): void
    {
        $config = self::config();
        unset($config['mchid']);

        try {
            new \Wxpresign\Client($config);
            self::fail('a configuration without mchid was accepted');
        } catch (ConfigException $e) {
            self::assertSame('config', $e->getKind());
            self::assertSame(2, $e->getStatusCode());
            self::assertStringContainsString('mchid', $e->getMessage());
        }
    }

    public function testAnUnknownConfigurationKeyIsAConfigError(): void
    {
        $this->expectException(ConfigException::class);
        $this->expectExceptionMessage('mch_id');

        self::client(['mch_id' => '1900000109']);
    }

    public function testGetErrorIsTheWholeErrorTheLibraryWrote(): void
    {
        try {
            self::client()[self::EDU]->post(['json' => self::eduWithUser('SANDBOXSYSTEMERROR')]);
            self::fail('the sandbox fault did not fail');
        } catch (ApiException $e) {
            $error = $e->getError();
            self::assertSame('api', $error['kind']);
            self::assertSame($e->getMessage(), $error['message']);
            self::assertSame('SYSTEM_ERROR', $error['code']);
            self::assertArrayHasKey('detail', $error);
            self::assertSame($error['detail'], $e->getDetail());
        }
    }

    public function testEveryKindHasItsClassUnderOneBase(): void
    {
        $classes = [
            'argument' => ArgumentException::class,
            'config' => ConfigException::class,
            'validation' => ValidationException::class,
            'transport' => TransportException::class,
            'api' => ApiException::class,
            'verify' => VerifyException::class,
            'crypto' => CryptoException::class,
            'internal' => InternalException::class,
        ];
        $status = 1;
        foreach ($classes as $kind => $class) {
            $e = Exception::fromLibrary($status, ['kind' => $kind, 'message' => "a {$kind} error"]);
            self::assertInstanceOf($class, $e);
            self::assertInstanceOf(\RuntimeException::class, $e);
            self::assertSame($kind, $e->getKind());
            self::assertSame($status, $e->getStatusCode());
            $status++;
        }
    }

    public function testAKindFromANewerLibraryFallsBackOnTheStatus(): void
    {
        self::assertInstanceOf(ApiException::class, Exception::fromLibrary(5, ['kind' => 'future', 'message' => 'x']));
        self::assertInstanceOf(InternalException::class, Exception::fromLibrary(99, ['message' => 'x']));
    }
}
