<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

/** The examples in README.md are the files in examples/, and they work. */
final class ExamplesTest extends SandboxTestCase
{
    private const PACKAGE = __DIR__ . '/..';

    /** @return iterable<string, array{string}> */
    public static function examples(): iterable
    {
        yield 'presign' => ['examples/presign.php'];
        yield 'notification' => ['examples/notification.php'];
    }

    /** @dataProvider examples */
    public function testTheReadmeShowsTheExampleVerbatim(string $example): void
    {
        $code = (string) file_get_contents(self::PACKAGE . "/{$example}");
        $readme = (string) file_get_contents(self::PACKAGE . '/README.md');

        self::assertStringContainsString("```php\n{$code}```\n", $readme, "README.md must show {$example} as it is");
    }

    public function testThePresignExampleGetsAPresignToken(): void
    {
        [$status, $output] = self::php([self::PACKAGE . '/examples/presign.php'], ['WXPRESIGN_CONFIG' => self::configPath()]);

        self::assertSame(0, $status, $output);
        self::assertMatchesRegularExpression('/^presign_token: presign_\w+$/m', $output);
    }

    public function testThePresignExampleReportsErrorsOnStderr(): void
    {
        [$status, $output] = self::php([self::PACKAGE . '/examples/presign.php'], ['WXPRESIGN_CONFIG' => '/nonexistent.json']);

        self::assertSame(1, $status);
        self::assertStringContainsString('config error: the configuration file /nonexistent.json does not exist', $output);
    }

    public function testTheNotificationExampleAnswersWeChatPayUnderTheBuiltInServer(): void
    {
        $server = new BuiltInServer(self::PACKAGE . '/examples/notification.php', ['WXPRESIGN_CONFIG' => self::configPath()]);
        $notification = SignedNotification::sign(self::sandboxSecrets(), SignedNotification::signedContract());

        [$status, $headers, $body] = $server->post($notification->headers, $notification->body);

        self::assertSame([200, ''], [$status, $body], $server->log());
    }

    public function testTheNotificationExampleAnswers401ToAForgery(): void
    {
        $server = new BuiltInServer(self::PACKAGE . '/examples/notification.php', ['WXPRESIGN_CONFIG' => self::configPath()]);
        $notification = SignedNotification::sign(self::sandboxSecrets(), SignedNotification::signedContract());

        [$status, $headers, $body] = $server->post($notification->headers, $notification->body . ' ');

        self::assertSame(401, $status, $server->log());
        self::assertContains('Content-Type: application/json', $headers);
        self::assertSame('FAIL', json_decode($body, true)['code']);
    }
}
