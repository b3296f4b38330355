<?php

declare(strict_types=1);

namespace Wxpresign;

/**
 * PHP values to the JSON text the C library reads. Every refusal is an ArgumentException.
 */
final class Request
{
    public const JSON_FLAGS = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR;

    /** Options post() takes beside 'json'; the library builds, signs and sends the request itself. */
    private const IGNORED_OPTIONS = ['headers'];

    /**
     * The request body of post($options): $options['json'] when given (wechatpay-php's shape),
     * else $options itself.
     */
    public static function body(mixed $options): mixed
    {
        if (!is_array($options) || !array_key_exists('json', $options)) {
            return $options;
        }
        $unsupported = array_diff(array_keys($options), ['json', ...self::IGNORED_OPTIONS]);
        if ($unsupported !== []) {
            throw Exception::local('argument', 'post() does not take the option(s) ' . implode(', ', $unsupported)
                . ": pass ['json' => \$request]; libwxpresign builds, signs and sends the request itself");
        }
        return $options['json'];
    }

    /**
     * The path and query, and the body JSON, of request($method, $path, $options): {name} and
     * _name_ segments of $path are filled from $options (percent-encoded), 'query' becomes the
     * query (RFC 3986 encoding), 'json' the body.
     *
     * @param array<string, mixed> $options
     * @return array{string, ?string}
     */
    public static function target(string $path, array $options): array
    {
        Library::cString($path, 'the path');
        $used = ['json' => true, 'query' => true, 'headers' => true];
        $segments = [];
        foreach (explode('/', ltrim($path, '/')) as $segment) {
            if (preg_match('/^(?:\{(\w+)\}|_(\w+)_)$/', $segment, $m) === 1) {
                $name = $m[1] !== '' ? $m[1] : $m[2];
                if (!array_key_exists($name, $options) || !(is_string($options[$name]) || is_int($options[$name]))) {
                    throw Exception::local('argument', "the path {$path} has the placeholder {$name}: pass '{$name}' => "
                        . 'its value (a string) in the options');
                }
                $segment = rawurlencode((string) $options[$name]);
                $used[$name] = true;
            }
            $segments[] = $segment;
        }
        $unknown = array_diff(array_keys($options), array_keys($used));
        if ($unknown !== []) {
            throw Exception::local('argument', 'option(s) ' . implode(', ', $unknown) . " are not placeholders of {$path} "
                . "nor 'json' or 'query': pass the body as ['json' => \$body]");
        }
        $target = '/' . implode('/', $segments);
        $query = $options['query'] ?? [];
        if (!is_array($query)) {
            throw Exception::local('argument', "'query' must be an array of name => value, got " . get_debug_type($query));
        }
        if ($query !== []) {
            $target .= (str_contains($target, '?') ? '&' : '?') . http_build_query($query, '', '&', PHP_QUERY_RFC3986);
        }
        $body = array_key_exists('json', $options) ? self::json($options['json']) : null;
        return [$target, $body];
    }

    /** JSON text of a request body: arrays and objects as JSON objects, lists as arrays. */
    private static function json(mixed $value): string
    {
        try {
            return json_encode(is_array($value) && !array_is_list($value) ? (object) $value : $value, self::JSON_FLAGS);
        } catch (\JsonException $e) {
            throw Exception::local('argument', "the body cannot be encoded as JSON: {$e->getMessage()}", $e);
        }
    }

    /**
     * JSON text of an object: arrays (also empty ones and lists) and objects are encoded as a
     * JSON object, which is what the library expects at the top level.
     */
    public static function object(mixed $value, string $what): string
    {
        if (is_array($value)) {
            $value = (object) $value;
        } elseif (!is_object($value)) {
            throw Exception::local('argument', "{$what} must be an array, got " . get_debug_type($value));
        }
        try {
            return json_encode($value, self::JSON_FLAGS);
        } catch (\JsonException $e) {
            throw Exception::local('argument', "{$what} cannot be encoded as JSON: {$e->getMessage()}", $e);
        }
    }

    /**
     * The path a chain segment or chain() argument names, as wechatpay-php normalizes it:
     * camelCase → kebab-case (PascalCase first), so miniProgram is mini-program.
     */
    public static function segment(mixed $segment): string
    {
        if (!is_string($segment)) {
            throw Exception::local('argument', 'an endpoint path must be a string, got ' . get_debug_type($segment));
        }
        $segment = lcfirst($segment);
        return preg_replace_callback('/[A-Z]/', static fn (array $m): string => '-' . strtolower($m[0]), $segment)
            ?? $segment;
    }

    /**
     * JSON of notification headers: getallheaders() style (name => value) or PSR-7 style
     * (name => [value]); a list of one value is passed as that value, anything else as it is.
     *
     * @param array<mixed> $headers
     */
    public static function headers(mixed $headers): string
    {
        if (!is_array($headers)) {
            throw Exception::local('argument', 'the notification headers must be an array of name => value, got '
                . get_debug_type($headers));
        }
        $plain = [];
        foreach ($headers as $name => $value) {
            if (is_array($value) && count($value) === 1 && array_is_list($value)) {
                $value = $value[0];
            }
            if (is_int($value) || is_float($value)) {
                $value = (string) $value;
            }
            $plain[(string) $name] = $value;
        }
        return self::object($plain, 'the notification headers');
    }
}
