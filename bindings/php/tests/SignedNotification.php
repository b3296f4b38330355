<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

/**
 * A notification as WeChat Pay posts it, built here with PHP's openssl from the sandbox's
 * platform key and APIv3 key: the resource AES-256-GCM encrypted, the body RSA-SHA256 signed
 * over "timestamp\nnonce\nbody\n".
 */
final class SignedNotification
{
    /** @param array<string, string> $headers */
    private function __construct(public readonly array $headers, public readonly string $body)
    {
    }

    /**
     * @param array<string, mixed> $secrets sandbox.json: platform_private_key, platform_serial, apiv3_key
     * @param array<string, mixed> $resource the plaintext resource
     */
    public static function sign(array $secrets, array $resource, ?int $timestamp = null): self
    {
        $nonce = substr(bin2hex(random_bytes(6)), 0, 12);
        $ciphertext = openssl_encrypt(
            json_encode($resource, JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR),
            'aes-256-gcm',
            $secrets['apiv3_key'],
            OPENSSL_RAW_DATA,
            $nonce,
            $tag,
            'papay',
        );
        $body = json_encode([
            'id' => 'EV-2018022511223320873',
            'create_time' => '2026-06-08T10:34:56+08:00',
            'resource_type' => 'encrypt-resource',
            'event_type' => 'ENTRUST.SIGN',
            'summary' => '签约成功',
            'resource' => [
                'original_type' => 'papay',
                'algorithm' => 'AEAD_AES_256_GCM',
                'ciphertext' => base64_encode($ciphertext . $tag),
                'associated_data' => 'papay',
                'nonce' => $nonce,
            ],
        ], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
        $timestamp = (string) ($timestamp ?? time());
        $headerNonce = bin2hex(random_bytes(16));
        openssl_sign("{$timestamp}\n{$headerNonce}\n{$body}\n", $signature, $secrets['platform_private_key'], OPENSSL_ALGO_SHA256);
        return new self([
            'Host' => 'merchant.example.com',
            'Content-Type' => 'application/json',
            'Wechatpay-Nonce' => $headerNonce,
            'Wechatpay-Serial' => $secrets['platform_serial'],
            'Wechatpay-Signature' => base64_encode($signature),
            'Wechatpay-Signature-Type' => 'WECHATPAY2-SHA256-RSA2048',
            'Wechatpay-Timestamp' => $timestamp,
        ], $body);
    }

    /** @return array<string, mixed> a signing result as ENTRUST.SIGN carries it */
    public static function signedContract(): array
    {
        return [
            'mchid' => '1900000109',
            'appid' => 'wx8888888888888888',
            'contract_id' => '200229000000000000',
            'out_contract_code' => 'wxwtdk20200910100002',
            'plan_id' => 12535,
            'contract_state' => 'ENTRUST_SIGNED',
            'openid' => 'oUpF8uMuAJOM2pxb1Q',
        ];
    }
}
