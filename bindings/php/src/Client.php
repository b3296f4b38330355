<?php

declare(strict_types=1);

namespace Wxpresign;

use FFI\CData;

/**
 * A configured libwxpresign client. Reuse one per configuration: it holds the parsed keys.
 *
 * Calls, as with wechatpay-php:
 *     $client->v3->eduPapay->contracts->presign->post(['json' => $request]);
 *     $client->chain('v3/edu-papay/contracts/presign')->post(['json' => $request]);
 *     $client['v3/edu-papay/contracts/presign']->post(['json' => $request]);
 * Each returns ['status' => 200, 'request_id' => '...', 'data' => [...], 'base_url' => '...',
 * 'trace' => ['attempts' => [...], 'elapsed_ms' => ...]] or throws a Wxpresign\Exception subclass.
 * Any other APIv3 call goes the same way, unchecked by any schema:
 *     $client->chain('v3/papay/sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}')
 *         ->get(['plan_id' => '12535', 'out_contract_code' => 'Ab12', 'query' => ['appid' => 'wx...']]);
 *
 * @property-read Chain $v3 the first segment of a chained call ($client->v3->eduPapay->...)
 * @implements \ArrayAccess<string, Chain>
 */
final class Client implements \ArrayAccess
{
    private Library $library;

    private ?CData $handle = null;

    private ?object $logger = null;

    /**
     * By default the client is the worker's shared one for this configuration
     * (wxpresign_client_shared): under PHP-FPM, where the library stays loaded between requests,
     * each request's `new Client($config)` finds the keys already parsed and the connections to
     * WeChat Pay still open. It is kept 5 minutes after its last use, and a configuration whose
     * files changed gets a new one. `shared: false` gives a client of this object's own.
     *
     * @param array<string, mixed>|string $config the configuration (docs/configuration.md), or
     *        the path of a JSON file holding it
     * @param ?string $libraryPath libwxpresign.so to load; null to discover it (see Library)
     * @param bool $shared the process's shared client (default), or a client of its own
     * @param ?object $logger a PSR-3 logger (Psr\Log\LoggerInterface, or any object with
     *        log($level, $message, $context)): each call is logged with its trace, "info" when
     *        it succeeded and "warning" when it failed, from PHP, so nothing of PHP's outlives
     *        the request in the library
     * @throws ConfigException when the configuration or the library is unusable
     * @throws ArgumentException when a value cannot be passed to C
     */
    public function __construct(mixed $config, mixed $libraryPath = null, bool $shared = true, ?object $logger = null)
    {
        if ($logger !== null && !method_exists($logger, 'log')) {
            throw Exception::local('argument', '$logger must be a PSR-3 logger (an object with log($level, $message, $context)), got '
                . get_debug_type($logger));
        }
        $this->logger = $logger;
        if ($libraryPath !== null && !is_string($libraryPath)) {
            throw Exception::local('argument', '$libraryPath must be a string or null, got ' . get_debug_type($libraryPath));
        }
        $configJson = self::configJson($config);
        $this->library = Library::load($libraryPath);
        $this->handle = $this->library->newClient($configJson, $shared);
    }

    public function __destruct()
    {
        if ($this->handle !== null) {
            $this->library->freeClient($this->handle);
            $this->handle = null;
        }
    }

    /** A copy would free the same C client twice. */
    private function __clone()
    {
    }

    /** The first segment of a chained call: $client->v3->... */
    public function __get(string $segment): Chain
    {
        return new Chain($this, Request::segment($segment));
    }

    /** The endpoint at $path, e.g. 'v3/edu-papay/contracts/presign' (camelCase is accepted). */
    public function chain(mixed $path): Chain
    {
        return new Chain($this, Request::segment($path));
    }

    /** $client['v3/edu-papay/contracts/presign'], as chain(). */
    public function offsetGet(mixed $offset): Chain
    {
        return $this->chain($offset);
    }

    public function offsetExists(mixed $offset): bool
    {
        return is_string($offset);
    }

    public function offsetSet(mixed $offset, mixed $value): void
    {
        throw Exception::local('argument', 'a Wxpresign\Client is read-only: endpoints come from the library');
    }

    public function offsetUnset(mixed $offset): void
    {
        throw Exception::local('argument', 'a Wxpresign\Client is read-only: endpoints come from the library');
    }

    /**
     * Calls the endpoint at $path with $request (an array or object, encoded as a JSON object).
     * Blocks until WeChat Pay's answer is verified.
     *
     * @return array{status: int, request_id: ?string, data: array<string, mixed>, base_url: string, failover?: array{from: string, reason: string}, trace: array{attempts: list<array{base_url: string, connection: string, elapsed_ms: int, outcome: string}>, elapsed_ms: int}}
     * @throws Exception a subclass for each kind: ValidationException, ApiException, ...
     */
    public function call(mixed $path, mixed $request): array
    {
        if (!is_string($path)) {
            throw Exception::local('argument', 'the endpoint path must be a string, got ' . get_debug_type($path));
        }
        $request = Request::object($request, 'the request');
        return $this->logged($path, fn (): array => $this->library->call($this->handle(), $path, $request));
    }

    /**
     * Any APIv3 call, for those after the pre-sign (query or terminate a contract, deduct, ...):
     * $method to $path with wechatpay-php's options: {name} (or _name_) segments of $path take
     * $options[name], percent-encoded; 'query' => [...] is added as the query; 'json' => [...]
     * is the body (none for a GET). Paths under v3/global/ go to global_base_url. The body is
     * not checked against any schema: WeChat Pay's answer says what is wrong. The answer is
     * verified; errors, retries and the trace are those of call(). Encrypt the fields WeChat
     * Pay wants encrypted with encrypt().
     *
     * @param array<string, mixed> $options
     * @return array{status: int, request_id: ?string, data: mixed, base_url: string, failover?: array{from: string, reason: string}, trace: array{attempts: list<array{base_url: string, connection: string, tls?: string, elapsed_ms: int, outcome: string}>, elapsed_ms: int}}
     * @throws Exception a subclass for each kind: ArgumentException, ApiException, ...
     */
    public function request(string $method, string $path, array $options = []): array
    {
        [$target, $body] = Request::target($path, $options);
        $label = strtoupper($method) . ' ' . strtok($target, '?');
        return $this->logged($label, fn (): array => $this->library->request($this->handle(), $method, $target, $body));
    }

    /**
     * $plaintext encrypted as WeChat Pay takes a sensitive field (RSA-OAEP, Base64), with the
     * key this client's requests name in Wechatpay-Serial, for a field of a request() body (the
     * pre-sign calls encrypt their fields themselves).
     *
     * @return array{ciphertext: string, serial: string}
     */
    public function encrypt(string $plaintext): array
    {
        return $this->library->encrypt($this->handle(), $plaintext);
    }

    /**
     * Certificate mode: WeChat Pay's platform certificates (GET /v3/certificates), verified,
     * decrypted with the APIv3 key and checked; the client verifies with them from then on. A
     * merchant in public-key mode gets WeChat Pay's 404 as an ApiException.
     *
     * @return list<array{serial_no: string, effective_time: string, expire_time: string, certificate: string}>
     */
    public function downloadPlatformCertificates(): array
    {
        return $this->library->downloadPlatformCertificates($this->handle());
    }

    /** Whether the library has a typed, schema-checked endpoint at $path (a template as tabled). */
    public function isEndpoint(string $path): bool
    {
        return $this->endpoint($path) !== null;
    }

    /**
     * The library's table entry at $path (method, path, stage, schemas, ...), or null.
     *
     * @return array<string, mixed>|null
     */
    public function endpoint(string $path): ?array
    {
        static $table = null;
        $table ??= array_column($this->library->endpoints(), null, 'path');
        return $table[ltrim($path, '/')] ?? null;
    }

    /**
     * Runs $send, logging its outcome to the PSR-3 logger if there is one.
     *
     * @param callable(): array<string, mixed> $send
     * @return array<string, mixed>
     */
    private function logged(string $path, callable $send): array
    {
        if ($this->logger === null) {
            return $send();
        }
        try {
            $answer = $send();
        } catch (Exception $e) {
            $error = $e->getError();
            $this->logger->log('warning', "wxpresign {$path}: {$e->getKind()} error: {$e->getMessage()}", [
                'endpoint' => $path,
                'status' => $e->getHttpStatus(),
                'code' => $e->getApiCode(),
                'request_id' => $e->getRequestId(),
                'may_have_reached_server' => $error['may_have_reached_server'] ?? null,
                'trace' => $error['trace'] ?? null,
            ]);
            throw $e;
        }
        $this->logger->log('info', "wxpresign {$path}: {$answer['status']}", [
            'endpoint' => $path,
            'status' => $answer['status'],
            'request_id' => $answer['request_id'] ?? null,
            'base_url' => $answer['base_url'] ?? null,
            'trace' => $answer['trace'] ?? null,
        ]);
        return $answer;
    }

    /**
     * Verifies and decrypts a notification WeChat Pay posted: $headers as getallheaders() or a
     * PSR-7 request's getHeaders() give them, $body the raw request body (php://input).
     * Returns id, create_time, event_type, resource_type, summary, the decrypted resource and
     * 'answer' (['status' => 200, 'headers' => [], 'body' => '']) to send back. On failure the
     * exception's getAnswer() is the answer to send back, always: 4xx or 5xx with the body
     * {"code":"FAIL","message":...} WeChat Pay asks for.
     *
     * @param array<string, string|list<string>> $headers
     * @return array<string, mixed>
     */
    public function parseNotification(mixed $headers, mixed $body): array
    {
        try {
            if (!is_string($body)) {
                throw Exception::local('argument', 'the notification body must be a string (the raw request body), got '
                    . get_debug_type($body));
            }
            return $this->library->parseNotification($this->handle(), Request::headers($headers), $body);
        } catch (Exception $e) {
            throw $e->withNotificationAnswer();
        }
    }

    /**
     * For one notify URL serving several merchants: verifies and decrypts the notification with
     * the client (one per merchant) whose WeChat Pay key its Wechatpay-Serial names. The result
     * also holds 'mchid', that client's merchant, and 'client', its key in $clients. A
     * notification for none of them throws VerifyException whose answer is 401.
     *
     * @param array<array-key, Client> $clients
     * @return array<string, mixed>
     */
    public static function parseNotificationFor(array $clients, mixed $headers, mixed $body): array
    {
        try {
            if ($clients === [] || array_filter($clients, static fn ($c) => !$c instanceof self) !== []) {
                throw Exception::local('argument', '$clients must be a non-empty array of Wxpresign\\Client');
            }
            if (!is_string($body)) {
                throw Exception::local('argument', 'the notification body must be a string (the raw request body), got '
                    . get_debug_type($body));
            }
            $keys = array_keys($clients);
            $first = $clients[$keys[0]];
            $handles = array_map(static fn (self $c): CData => $c->handle(), array_values($clients));
            $parsed = $first->library->parseNotificationAny($handles, Request::headers($headers), $body);
        } catch (Exception $e) {
            throw $e->withNotificationAnswer();
        }
        $parsed['client'] = $keys[$parsed['client']];
        return $parsed;
    }

    /**
     * Every endpoint the library knows: path, title, c_function, host, request schema, example.
     *
     * @return list<array<string, mixed>>
     */
    public static function endpoints(?string $libraryPath = null): array
    {
        return Library::load($libraryPath)->endpoints();
    }

    /** The version of the loaded libwxpresign, e.g. "0.1.0". */
    public static function version(?string $libraryPath = null): string
    {
        return Library::load($libraryPath)->version();
    }

    /** Where this client's library came from: a path, or "FFI scope WXPRESIGN" when preloaded. */
    public function librarySource(): string
    {
        return $this->library->source;
    }

    private function handle(): CData
    {
        // Only a destructor called by hand gets here without a handle.
        return $this->handle ?? throw Exception::local('argument', 'this client has been freed');
    }

    private static function configJson(mixed $config): string
    {
        if (is_array($config)) {
            return Request::object($config, 'the configuration');
        }
        if (!is_string($config)) {
            throw Exception::local('argument', 'the configuration must be an array, or the path of a JSON file, got '
                . get_debug_type($config));
        }
        if (str_contains($config, "\0")) {
            throw Exception::local('argument', 'the configuration file path holds a NUL byte');
        }
        if (!is_file($config)) {
            $hint = str_starts_with(ltrim($config), '{')
                ? ': a string is the path of a JSON file; pass the configuration itself as an array (json_decode($json, true))'
                : '';
            throw Exception::local('config', "the configuration file {$config} does not exist{$hint}");
        }
        $text = @file_get_contents($config);
        if (!is_string($text)) {
            // The usual cause under PHP-FPM: `wxpresign sandbox init` writes client.json mode
            // 0600 for its owner, and the pool runs as another user (www-data).
            $reason = error_get_last()['message'] ?? 'unreadable';
            $user = function_exists('posix_geteuid') && function_exists('posix_getpwuid')
                ? (posix_getpwuid(posix_geteuid())['name'] ?? (string) posix_geteuid())
                : (string) getmyuid();
            throw Exception::local('config', "cannot read the configuration file {$config} as user {$user} "
                . "({$reason}): it holds the merchant key, so it is private to its owner; make it readable "
                . "by this PHP user (e.g. chgrp www-data and chmod 0640) or pass the configuration as an array");
        }
        try {
            $decoded = json_decode($text, false, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw Exception::local('config', "the configuration file {$config} is not valid JSON: {$e->getMessage()}", $e);
        }
        if (!$decoded instanceof \stdClass) {
            throw Exception::local('config', "the configuration file {$config} must hold a JSON object, not "
                . get_debug_type($decoded));
        }
        return $text;
    }
}
