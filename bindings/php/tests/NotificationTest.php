<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use Wxpresign\ArgumentException;
use Wxpresign\Client;
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

    public function testANotificationParsedAgainIsMarkedSeenBefore(): void
    {
        $notification = self::signed();
        // Clients of one configuration are one client in a process: this one is its own.
        $client = self::client(['timeout_ms' => 4321]);

        $first = $client->parseNotification($notification->headers, $notification->body);
        $again = $client->parseNotification($notification->headers, $notification->body);

        self::assertSame([false, true], [$first['seen_before'], $again['seen_before']]);
        self::assertSame(200, $again['answer']['status']);
    }

    /** A client whose WeChat Pay key is another merchant's (the official pages' example key). */
    private static function anotherMerchant(): Client
    {
        $files = glob(dirname(__DIR__, 3) . '/tests/data/official_doc_wechatpay_public_key_PUB_KEY_ID_*.pem') ?: [];
        self::assertCount(1, $files);
        $id = substr(basename($files[0], '.pem'), strlen('official_doc_wechatpay_public_key_'));
        return new Client(array_merge(self::config(), [
            'wechatpay_public_key_id' => $id,
            'wechatpay_public_key' => (string) file_get_contents($files[0]),
        ]));
    }

    public function testOneNotifyUrlForManyMerchantsPicksTheClientBySerial(): void
    {
        $notification = self::signed();
        $clients = ['other' => self::anotherMerchant(), 'ours' => self::client()];

        $parsed = Client::parseNotificationFor($clients, $notification->headers, $notification->body);

        self::assertSame('ours', $parsed['client']);
        self::assertSame((string) self::config()['mchid'], $parsed['mchid']);
        self::assertSame(SignedNotification::signedContract(), $parsed['resource']);
        try {
            Client::parseNotificationFor([self::anotherMerchant()], $notification->headers, $notification->body);
            self::fail('a notification for an unknown serial was accepted');
        } catch (VerifyException $e) {
            self::assertSame(401, $e->getAnswer()['status']);
        }
        $this->expectException(ArgumentException::class);
        Client::parseNotificationFor([], $notification->headers, $notification->body);
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
