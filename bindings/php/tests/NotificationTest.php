<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use Wxpresign\ArgumentException;
use Wxpresign\VerifyException;

/** parseNotification: verification, decryption and the answer to send back to WeChat Pay. */
final class NotificationTest extends SandboxTestCase
{
    private static function signed(?int $timestamp = null): SignedNotification
    {
        return SignedNotification::sign(self::sandboxSecrets(), SignedNotification::signedContract(), $timestamp);
    }

    public function testASignedNotificationIsVerifiedAndDecrypted(): void
    {
        $notification = self::signed();

        $parsed = self::client()->parseNotification($notification->headers, $notification->body);

        self::assertSame('EV-2018022511223320873', $parsed['id']);
        self::assertSame('ENTRUST.SIGN', $parsed['event_type']);
        self::assertSame('签约成功', $parsed['summary']);
        self::assertSame(SignedNotification::signedContract(), $parsed['resource']);
        self::assertSame(['status' => 200, 'headers' => [], 'body' => ''], $parsed['answer']);
    }

    public function testPsr7StyleHeadersWithLowerCaseNamesAreAccepted(): void
    {
        $notification = self::signed();
        $headers = [];
        foreach ($notification->headers as $name => $value) {
            $headers[strtolower($name)] = [$value];
        }

        $parsed = self::client()->parseNotification($headers, $notification->body);

        self::assertSame(SignedNotification::signedContract(), $parsed['resource']);
    }

    public function testATamperedBodyIsAVerifyErrorWithA401Answer(): void
    {
        $notification = self::signed();
        $body = str_replace('ENTRUST.SIGN', 'ENTRUST.SIGM', $notification->body);

        try {
            self::client()->parseNotification($notification->headers, $body);
            self::fail('a tampered notification was accepted');
        } catch (VerifyException $e) {
            $answer = $e->getAnswer();
            self::assertSame(401, $answer['status']);
            self::assertSame(['Content-Type' => 'application/json'], $answer['headers']);
            self::assertSame('FAIL', json_decode($answer['body'], true)['code']);
        }
    }

    public function testAStaleTimestampIsAVerifyError(): void
    {
        $notification = self::signed(time() - 600);

        $this->expectException(VerifyException::class);
        $this->expectExceptionMessage('Wechatpay-Timestamp');

        self::client()->parseNotification($notification->headers, $notification->body);
    }

    public function testAHeaderGivenTwiceIsAVerifyError(): void
    {
        $notification = self::signed();
        $headers = $notification->headers;
        $headers['Wechatpay-Serial'] = [$headers['Wechatpay-Serial'], 'PUB_KEY_ID_0000000000000000000000000000'];

        $this->expectException(VerifyException::class);
        $this->expectExceptionMessage('more than once');

        self::client()->parseNotification($headers, $notification->body);
    }

    public function testMissingHeadersAreAVerifyError(): void
    {
        try {
            self::client()->parseNotification([], self::signed()->body);
            self::fail('an unsigned notification was accepted');
        } catch (VerifyException $e) {
            self::assertSame(401, $e->getAnswer()['status']);
        }
    }

    public function testANonStringHeaderValueIsAnArgumentErrorWithA400Answer(): void
    {
        $notification = self::signed();
        $headers = $notification->headers;
        $headers['Wechatpay-Nonce'] = null;

        try {
            self::client()->parseNotification($headers, $notification->body);
            self::fail('a null header was accepted');
        } catch (ArgumentException $e) {
            self::assertStringContainsString('Wechatpay-Nonce', $e->getMessage());
            self::assertSame(400, $e->getAnswer()['status']);
        }
    }
}
