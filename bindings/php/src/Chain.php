<?php

declare(strict_types=1);

namespace Wxpresign;

/**
 * An endpoint path being built, wechatpay-php style: each property, chain() or [] appends a
 * segment (camelCase → kebab-case), and post() calls the endpoint through its Client.
 *
 * @property-read Chain $papay the next segment; any name is one (camelCase → kebab-case)
 * @property-read Chain $eduPapay
 * @property-read Chain $contracts
 * @property-read Chain $presign
 * @implements \ArrayAccess<string, Chain>
 */
final class Chain implements \ArrayAccess
{
    public function __construct(private readonly Client $client, private readonly string $path)
    {
    }

    public function __get(string $segment): self
    {
        return $this->chain($segment);
    }

    /** Appends one or more segments: ->chain('pre-entrust-sign/jsapi'). */
    public function chain(mixed $segment): self
    {
        return new self($this->client, $this->path . '/' . Request::segment($segment));
    }

    /** The path so far, e.g. "v3/edu-papay/contracts/presign". */
    public function pathname(): string
    {
        return $this->path;
    }

    /**
     * POSTs to this endpoint: post(['json' => $request]) as in wechatpay-php, or post($request).
     * A 'headers' option is ignored: the library sets and signs the headers itself.
     *
     * @param array<string, mixed>|object $options
     * @return array{status: int, request_id: ?string, data: array<string, mixed>, base_url: string, failover?: array{from: string, reason: string}, trace: array{attempts: list<array{base_url: string, connection: string, elapsed_ms: int, outcome: string}>, elapsed_ms: int}}
     * @throws Exception a subclass for each kind: ValidationException, ApiException, ...
     */
    public function post(mixed $options = []): array
    {
        return $this->client->call($this->path, Request::body($options));
    }

    /** get(), put(), postAsync() and the like: the pre-sign endpoints are synchronous POSTs. */
    public function __call(string $method, array $arguments): never
    {
        throw Exception::local('argument', "{$method}() is not supported on {$this->path}: the pre-sign endpoints take "
            . 'post() only, which blocks until the verified answer is in');
    }

    public function offsetGet(mixed $offset): self
    {
        return $this->chain($offset);
    }

    public function offsetExists(mixed $offset): bool
    {
        return is_string($offset);
    }

    public function offsetSet(mixed $offset, mixed $value): void
    {
        throw Exception::local('argument', 'an endpoint chain is read-only');
    }

    public function offsetUnset(mixed $offset): void
    {
        throw Exception::local('argument', 'an endpoint chain is read-only');
    }
}
