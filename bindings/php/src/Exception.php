<?php

declare(strict_types=1);

namespace Wxpresign;

/**
 * A libwxpresign error: the status the C library returned and its error JSON, decoded.
 *
 * Catch this class for every failure of the binding; the subclasses name the kind (one per C
 * status). getMessage() is the library's message; the accessors read the other members.
 */
class Exception extends \RuntimeException
{
    /** The C status of each kind, as include/wxpresign.h numbers them. */
    public const STATUS = [
        'argument' => 1,
        'config' => 2,
        'validation' => 3,
        'transport' => 4,
        'api' => 5,
        'verify' => 6,
        'crypto' => 7,
        'internal' => 8,
    ];

    private const CLASSES = [
        'argument' => ArgumentException::class,
        'config' => ConfigException::class,
        'validation' => ValidationException::class,
        'transport' => TransportException::class,
        'api' => ApiException::class,
        'verify' => VerifyException::class,
        'crypto' => CryptoException::class,
        'internal' => InternalException::class,
    ];

    /** @var array<string, mixed> */
    private array $error;

    /** @param array<string, mixed> $error the members of the library's {"error":{...}} */
    final public function __construct(array $error, int $statusCode, ?\Throwable $previous = null)
    {
        $message = $error['message'] ?? null;
        parent::__construct(is_string($message) ? $message : 'libwxpresign failed', $statusCode, $previous);
        $this->error = $error;
    }

    /**
     * The exception for a status and error JSON from the library. The kind selects the class;
     * an unknown kind (a newer library) falls back on the status, then on InternalException.
     *
     * @param array<string, mixed> $error
     */
    public static function fromLibrary(int $statusCode, array $error): self
    {
        $kind = $error['kind'] ?? null;
        if (!is_string($kind) || !isset(self::CLASSES[$kind])) {
            $kind = array_search($statusCode, self::STATUS, true) ?: 'internal';
        }
        return new (self::CLASSES[$kind])($error, $statusCode);
    }

    /**
     * An error the binding finds before calling the library (a NUL byte, a value json_encode
     * refuses, a library it cannot load), shaped like the library's own.
     */
    public static function local(string $kind, string $message, ?\Throwable $previous = null): self
    {
        $error = [
            'kind' => $kind,
            'message' => $message,
            'retryable' => false,
            'may_have_reached_server' => false,
        ];
        return new (self::CLASSES[$kind])($error, self::STATUS[$kind], $previous);
    }

    /**
     * @internal Client: an error parsing a notification always carries the answer to send back.
     * One found before the library saw the notification (a mistake in the call) answers 500
     * with WeChat Pay's failure body, so that WeChat Pay retries once the handler is fixed.
     */
    public function withNotificationAnswer(): static
    {
        $this->error['answer'] ??= [
            'status' => 500,
            'headers' => ['Content-Type' => 'application/json'],
            'body' => '{"code":"FAIL","message":"notification could not be processed"}',
        ];
        return $this;
    }

    /** "argument", "config", "validation", "transport", "api", "verify", "crypto" or "internal". */
    public function getKind(): string
    {
        return (string) ($this->error['kind'] ?? 'internal');
    }

    /** The wxpresign_status the C library returned (also getCode()). */
    public function getStatusCode(): int
    {
        return $this->getCode();
    }

    /** Validation: the JSON Pointer of the offending request field, e.g. "/plan_id". */
    public function getField(): ?string
    {
        return self::stringOrNull($this->error['field'] ?? null);
    }

    /** Validation: what is wrong with the field. */
    public function getIssue(): ?string
    {
        return self::stringOrNull($this->error['issue'] ?? null);
    }

    /** Api: the HTTP status WeChat Pay answered with. */
    public function getHttpStatus(): ?int
    {
        $status = $this->error['http_status'] ?? null;
        return is_int($status) ? $status : null;
    }

    /** Api: WeChat Pay's error code, such as SYSTEM_ERROR or PARAM_ERROR. */
    public function getApiCode(): ?string
    {
        return self::stringOrNull($this->error['code'] ?? null);
    }

    /** Api: WeChat Pay's "detail" member, as it sent it (often an array with field and issue). */
    public function getDetail(): mixed
    {
        return $this->error['detail'] ?? null;
    }

    /** Api and verify: the Request-ID of WeChat Pay's answer, for WeChat's support. */
    public function getRequestId(): ?string
    {
        return self::stringOrNull($this->error['request_id'] ?? null);
    }

    /** True for 429, 5xx and transport errors: resend with the same out_contract_code. */
    public function isRetryable(): bool
    {
        return ($this->error['retryable'] ?? false) === true;
    }

    /** False when WeChat Pay certainly did not receive the request; true when it may have. */
    public function mayHaveReachedServer(): bool
    {
        return ($this->error['may_have_reached_server'] ?? false) === true;
    }

    /**
     * True for a WeChat Pay signature probe (a signature starting WECHATPAY/SIGNTEST/): a verify
     * error all the same, answered 401, logged calmly.
     */
    public function isProbe(): bool
    {
        return ($this->error['probe'] ?? false) === true;
    }

    /**
     * Notifications: the HTTP answer to send back to WeChat Pay, ['status' => 401, 'headers' =>
     * [...], 'body' => '...'], or null for errors that are not about a notification.
     *
     * @return array{status: int, headers: array<string, string>, body: string}|null
     */
    public function getAnswer(): ?array
    {
        $answer = $this->error['answer'] ?? null;
        return is_array($answer) ? $answer : null;
    }

    /**
     * The failure behind this one, with the same members: a certificate download that failed
     * while the call checked WeChat Pay's answer (then this is a verify error: WeChat Pay
     * answered), or before the call was sent. Null when there is none.
     *
     * @return array<string, mixed>|null
     */
    public function getCause(): ?array
    {
        $cause = $this->error['cause'] ?? null;
        return is_array($cause) ? $cause : null;
    }

    /**
     * The whole error, as the library wrote it.
     *
     * @return array<string, mixed>
     */
    public function getError(): array
    {
        return $this->error;
    }

    private static function stringOrNull(mixed $value): ?string
    {
        return is_string($value) ? $value : null;
    }
}
