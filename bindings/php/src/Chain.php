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
     * POSTs to this path. An endpoint of the library's table is called as Client::call() does,
     * its request checked against the endpoint's schema: post(['json' => $request]) as in
     * wechatpay-php, or post($request). A path parameter ({contract_id}) and query parameters
     * are members of the request, or given as wechatpay-php gives them:
     * post(['contract_id' => '...', 'json' => [...]]). Any other path is
     * Client::request('POST', ...), with its options.
     * A 'headers' option is ignored: the library sets and signs the headers itself.
     *
     * @param array<string, mixed>|object $options
     * @return array{status: int, request_id: ?string, data: array<string, mixed>, base_url: string, failover?: array{from: string, reason: string}, trace: array{attempts: list<array{base_url: string, connection: string, tls?: string, elapsed_ms: int, outcome: string}>, elapsed_ms: int}}
     * @throws Exception a subclass for each kind: ValidationException, ApiException, ...
     */
    public function post(mixed $options = []): array
    {
        $endpoint = $this->client->endpoint($this->path);
        if ($endpoint !== null) {
            return $this->client->call($this->path, self::tabled($endpoint, 'POST', $options));
        }
        return $this->client->request('POST', $this->path, self::options($options));
    }

    /**
     * GETs this path: an endpoint of the library's table as post() calls one, e.g.
     * ->get(['contract_id' => '...', 'query' => ['sub_mchid' => '...']]); any other path
     * Client::request('GET', ...), e.g.
     * ->get(['out_contract_code' => 'Ab12', 'query' => ['appid' => 'wx...']]).
     *
     * @param array<string, mixed> $options
     * @return array<string, mixed>
     */
    public function get(array $options = []): array
    {
        return $this->other('GET', $options);
    }

    /**
     * @param array<string, mixed> $options
     * @return array<string, mixed>
     */
    public function put(array $options = []): array
    {
        return $this->other('PUT', $options);
    }

    /**
     * @param array<string, mixed> $options
     * @return array<string, mixed>
     */
    public function patch(array $options = []): array
    {
        return $this->other('PATCH', $options);
    }

    /**
     * @param array<string, mixed> $options
     * @return array<string, mixed>
     */
    public function delete(array $options = []): array
    {
        return $this->other('DELETE', $options);
    }

    /**
     * A call other than POST: a tabled endpoint of that method is called typed, one of another
     * method refused; any other path is Client::request().
     *
     * @param array<string, mixed> $options
     * @return array<string, mixed>
     */
    private function other(string $method, array $options): array
    {
        $endpoint = $this->client->endpoint($this->path);
        if ($endpoint !== null) {
            return $this->client->call($this->path, self::tabled($endpoint, $method, $options));
        }
        return $this->client->request($method, $this->path, $options);
    }

    /**
     * The request JSON of a tabled endpoint from a call's options: the endpoint's method only,
     * and the path and query parameters given beside 'json' (wechatpay-php's shape) made
     * members of the request, where the library validates and places them.
     *
     * @param array<string, mixed> $endpoint
     */
    private static function tabled(array $endpoint, string $method, mixed $options): mixed
    {
        $wanted = $endpoint['method'] ?? 'POST';
        if ($wanted !== $method) {
            $what = ($endpoint['stage'] ?? 'presign') === 'presign' ? 'a pre-sign endpoint' : "a {$wanted} endpoint";
            throw Exception::local('argument', "{$endpoint['path']} is {$what}: it takes "
                . strtolower($wanted) . '() only');
        }
        $placed = array_column([...($endpoint['path_params'] ?? []), ...($endpoint['query'] ?? [])], 'name');
        $wrapped = is_array($options) && (array_key_exists('json', $options) || array_key_exists('query', $options));
        if (!$wrapped || $placed === []) {
            return Request::body($options);
        }
        $members = array_intersect_key($options, array_flip($placed));
        $query = ($endpoint['query'] ?? []) === [] ? [] : ($options['query'] ?? []);
        if (!is_array($query)) {
            throw Exception::local('argument', 'the query option must be an array of name => value, got '
                . get_debug_type($query));
        }
        $members += $query;
        $rest = array_diff_key($options, $members, $query === [] ? [] : ['query' => true]);
        $body = Request::body($rest + ['json' => []]);
        if ($members === []) {
            return $body;
        }
        if (!is_array($body)) {
            throw Exception::local('argument', 'with path or query parameters beside it, json must be an array');
        }
        return $members + $body;
    }

    /** postAsync() and the like: libwxpresign is synchronous. */
    public function __call(string $method, array $arguments): never
    {
        throw Exception::local('argument', "{$method}() is not supported on {$this->path}: libwxpresign's calls are "
            . 'get(), post(), put(), patch() and delete(), each blocking until the verified answer is in');
    }

    /** @return array<string, mixed> */
    private static function options(mixed $options): array
    {
        if (!is_array($options)) {
            throw Exception::local('argument', 'the options must be an array, got ' . get_debug_type($options));
        }
        return $options;
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
