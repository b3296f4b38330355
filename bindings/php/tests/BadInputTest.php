<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use Wxpresign\ArgumentException;
use Wxpresign\Client;
use Wxpresign\ConfigException;
use Wxpresign\ValidationException;

/** Bad input always ends in a clear exception before or inside the library, never in a crash. */
final class BadInputTest extends SandboxTestCase
{
    private static function scratchFile(string $contents): string
    {
        $path = (string) tempnam(sys_get_temp_dir(), 'wxpresign-php-test-');
        file_put_contents($path, $contents);
        return $path;
    }

    public function testANullConfigurationIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('got null');

        new Client(null);
    }

    public function testAnIntegerConfigurationIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('got int');

        new Client(42);
    }

    public function testAnIntegerLibraryPathIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('$libraryPath');

        new Client(self::configPath(), 7);
    }

    public function testAMissingConfigurationFileIsAConfigErrorNamingIt(): void
    {
        $this->expectException(ConfigException::class);
        $this->expectExceptionMessage('/nonexistent/client.json');

        new Client('/nonexistent/client.json');
    }

    public function testJsonTextInsteadOfAPathGetsAHint(): void
    {
        $this->expectException(ConfigException::class);
        $this->expectExceptionMessage('pass the configuration itself as an array');

        new Client('{"mchid":"1900000109"}');
    }

    public function testAConfigurationFileWithInvalidJsonIsAConfigErrorNamingIt(): void
    {
        $path = self::scratchFile('{"mchid": "1900000109",');
        try {
            new Client($path);
            self::fail('invalid JSON was accepted');
        } catch (ConfigException $e) {
            self::assertStringContainsString($path, $e->getMessage());
            self::assertStringContainsString('not valid JSON', $e->getMessage());
        } finally {
            unlink($path);
        }
    }

    public function testAConfigurationFileHoldingAnArrayIsAConfigError(): void
    {
        $path = self::scratchFile('["mchid"]');
        try {
            $this->expectException(ConfigException::class);
            $this->expectExceptionMessage('must hold a JSON object');
            new Client($path);
        } finally {
            unlink($path);
        }
    }

    public function testAConfigurationFileThatIsNotUtf8IsAConfigError(): void
    {
        $path = self::scratchFile("{\"mchid\": \"19\xff\"}");
        try {
            $this->expectException(ConfigException::class);
            $this->expectExceptionMessage('UTF-8');
            new Client($path);
        } finally {
            unlink($path);
        }
    }

    public function testAConfigurationArrayWithANonUtf8ValueIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('UTF-8');

        self::client(['user_agent' => "shop\xff"]);
    }

    public function testAConfigurationValueOfTheWrongTypeIsAConfigError(): void
    {
        $this->expectException(ConfigException::class);

        self::client(['timeout_ms' => 'soon']);
    }

    public function testANulByteInTheConfigurationPathIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('NUL');

        new Client(self::configPath() . "\0.bak");
    }

    public function testANulByteInTheLibraryPathIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('NUL');

        new Client(self::configPath(), "/usr/lib/libwxpresign.so\0");
    }

    public function testANulByteInThePathIsAnArgumentErrorRaisedBeforeTheCall(): void
    {
        // Without the check, C would read "v3/edu-papay/contracts/presign" and call it.
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('NUL byte at offset 30');

        self::client()->chain(self::EDU . "\0/ignored")->post(['json' => self::example(self::EDU)]);
    }

    public function testANulByteInsideARequestValueReachesTheLibraryWhole(): void
    {
        // json_encode writes \u0000, so the C string is not cut short; this endpoint echoes it.
        $path = 'v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign';
        $request = self::example($path);
        $request['sub_mchid'] = "1900\0000109";

        $answer = self::client()[$path]->post(['json' => $request]);

        self::assertSame("1900\0000109", $answer['data']['sub_mchid']);
    }

    public function testANullPathIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('got null');

        self::client()->chain(null);
    }

    public function testAnIntegerOffsetIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('got int');

        self::client()[3];
    }

    public function testANullRequestIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('got null');

        self::client()[self::EDU]->post(null);
    }

    public function testAStringRequestIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('got string');

        self::client()[self::EDU]->post(['json' => '{"appid":"wx8888888888888888"}']);
    }

    public function testANonUtf8RequestValueIsAnArgumentError(): void
    {
        $request = self::example(self::EDU);
        $request['user_id'] = "tony\xc3\x28";

        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('Malformed UTF-8');

        self::client()[self::EDU]->post(['json' => $request]);
    }

    public function testANonUtf8PathIsTheLibrarysArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('not valid UTF-8');

        self::client()->chain("v3/edu-papay/\xff")->post(['json' => self::example(self::EDU)]);
    }

    public function testAnInfiniteNumberIsAnArgumentError(): void
    {
        $request = self::example(self::EDU);
        $request['plan_id'] = INF;

        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('cannot be encoded as JSON');

        self::client()[self::EDU]->post(['json' => $request]);
    }

    public function testAResourceInTheRequestIsAnArgumentError(): void
    {
        $request = self::example(self::EDU);
        $request['user_id'] = STDERR;

        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('cannot be encoded as JSON');

        self::client()[self::EDU]->post(['json' => $request]);
    }

    public function testAFloatWhereAnIntegerBelongsIsAValidationError(): void
    {
        $path = 'v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi';
        $request = self::example($path);
        $request['deduct_schedule']['estimated_deduct_amount']['total'] = 1.5;

        $this->expectException(ValidationException::class);

        self::client()[$path]->post(['json' => $request]);
    }

    public function testANullNotificationBodyIsAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('got null');

        self::client()->parseNotification([], null);
    }

    public function testAMistakenNotificationCallStillHasTheFailureAnswerToSend(): void
    {
        // A mistake of the handler's own: 500 with WeChat Pay's failure body, so that WeChat
        // Pay retries once the handler is fixed.
        try {
            self::client()->parseNotification([], null);
            self::fail('a null body was accepted');
        } catch (ArgumentException $e) {
            $answer = $e->getAnswer();
            self::assertSame(500, $answer['status'] ?? null);
            self::assertSame('FAIL', json_decode($answer['body'], true)['code'] ?? null);
        }
    }

    public function testNotificationHeadersThatAreNotAnArrayAreAnArgumentError(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('got string');

        self::client()->parseNotification('Wechatpay-Serial: x', '{}');
    }

    public function testAClientCannotBeCloned(): void
    {
        // A copy would free the same C client twice.
        $this->expectException(\Error::class);

        $client = self::client();
        $copy = clone $client;
    }

    public function testEndpointChainsAreReadOnly(): void
    {
        $this->expectException(ArgumentException::class);

        $client = self::client();
        $client[self::EDU] = 'something';
    }
}
