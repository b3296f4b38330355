<?php

declare(strict_types=1);

// A notification handler written by hand, without the library, as many merchants write one:
// verify the signature, decrypt the resource, answer. The handlers beside it each get one step
// wrong, the way real handlers do, for sandbox/tests/notify_test.rs to show that `wxpresign
// notify-test` catches it. Configured with a sandbox's client.json (public-key mode) in
// $WXPRESIGN_CONFIG; served with `php -S 127.0.0.1:PORT HANDLER.php`.

/** What a handler does, step by step; each broken handler turns one step off. */
final class Steps
{
    public bool $verify = true;
    public bool $timestampWindow = true;
    public bool $refuseRepeats = false;
}

function header_of(string $name): ?string
{
    $headers = array_change_key_case(getallheaders(), CASE_LOWER);
    return $headers[strtolower($name)] ?? null;
}

function answer(int $status): void
{
    http_response_code($status);
    if ($status >= 300) {
        header('Content-Type: application/json');
        echo json_encode(['code' => 'FAIL', 'message' => '失败'], JSON_UNESCAPED_UNICODE);
    }
}

function verified(array $config, string $body, bool $window): bool
{
    $timestamp = header_of('Wechatpay-Timestamp');
    $nonce = header_of('Wechatpay-Nonce');
    $signature = base64_decode(header_of('Wechatpay-Signature') ?? '', true);
    if ($timestamp === null || $nonce === null || $signature === false || $signature === ''
        || header_of('Wechatpay-Serial') !== $config['wechatpay_public_key_id']) {
        return false;
    }
    if ($window && abs(time() - (int) $timestamp) >= 300) {
        return false;
    }
    $key = openssl_pkey_get_public($config['wechatpay_public_key']);
    return openssl_verify("{$timestamp}\n{$nonce}\n{$body}\n", $signature, $key, OPENSSL_ALGO_SHA256) === 1;
}

function decrypted(array $config, array $notification): ?array
{
    $resource = $notification['resource'] ?? null;
    if (!is_array($resource) || ($resource['algorithm'] ?? '') !== 'AEAD_AES_256_GCM') {
        return null;
    }
    $sealed = base64_decode((string) ($resource['ciphertext'] ?? ''), true);
    if ($sealed === false || strlen($sealed) <= 16) {
        return null;
    }
    $plain = openssl_decrypt(substr($sealed, 0, -16), 'aes-256-gcm', $config['apiv3_key'],
        OPENSSL_RAW_DATA, (string) ($resource['nonce'] ?? ''), substr($sealed, -16),
        (string) ($resource['associated_data'] ?? ''));
    $decoded = $plain === false ? null : json_decode($plain, true);
    return is_array($decoded) ? $decoded : null;
}

/** Whether the notification `id` was handled before (a file of ids next to the config). */
function seen_before(string $id): bool
{
    $file = dirname((string) getenv('WXPRESIGN_CONFIG')) . '/handled-ids';
    $seen = is_file($file) && in_array($id, file($file, FILE_IGNORE_NEW_LINES), true);
    file_put_contents($file, "{$id}\n", FILE_APPEND);
    return $seen;
}

function handle(Steps $steps): void
{
    $config = json_decode((string) file_get_contents((string) getenv('WXPRESIGN_CONFIG')), true);
    $body = (string) file_get_contents('php://input');
    if ($steps->verify && !verified($config, $body, $steps->timestampWindow)) {
        answer(401);
        return;
    }
    $notification = json_decode($body, true);
    if (!is_array($notification) || decrypted($config, $notification) === null) {
        answer(400);
        return;
    }
    if ($steps->refuseRepeats && seen_before((string) ($notification['id'] ?? ''))) {
        answer(500);
        return;
    }
    answer(200);
}
