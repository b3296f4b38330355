<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

/** `php -S` on a free loopback port running one script for every request; stopped on destruct. */
final class BuiltInServer
{
    /** @var resource */
    private $process;

    private string $address;

    private string $logFile;

    /** @param array<string, string> $environment */
    public function __construct(string $script, array $environment)
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $this->address = (string) stream_socket_get_name($probe, false);
        fclose($probe);
        $this->logFile = (string) tempnam(sys_get_temp_dir(), 'wxpresign-php-server-');
        $process = proc_open(
            // Outside the CLI, ffi.enable=preload (Debian's default) needs preload.php; not here.
            [PHP_BINARY, '-d', 'ffi.enable=1', '-S', $this->address, $script],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->logFile, 'w'], 2 => ['file', $this->logFile, 'a']],
            $pipes,
            null,
            $environment + getenv(),
        );
        if (!is_resource($process)) {
            throw new \RuntimeException('php -S did not start');
        }
        $this->process = $process;
        $deadline = microtime(true) + 10;
        while (($socket = @stream_socket_client("tcp://{$this->address}", $errno, $error, 1)) === false) {
            if (microtime(true) > $deadline) {
                throw new \RuntimeException("php -S is not listening on {$this->address}: {$this->log()}");
            }
            usleep(20_000);
        }
        fclose($socket);
    }

    public function __destruct()
    {
        proc_terminate($this->process);
        proc_close($this->process);
        @unlink($this->logFile);
    }

    /**
     * POSTs $body with $headers; returns the status, the header lines and the body.
     *
     * @param array<string, string> $headers
     * @return array{int, list<string>, string}
     */
    public function post(array $headers, string $body): array
    {
        $lines = [];
        foreach ($headers as $name => $value) {
            $lines[] = "{$name}: {$value}";
        }
        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'header' => $lines,
            'content' => $body,
            'ignore_errors' => true,
            'timeout' => 30,
        ]]);
        $answer = (string) file_get_contents("http://{$this->address}/notify", false, $context);
        $received = $http_response_header ?? [];
        preg_match('{^HTTP/\S+ (\d+)}', $received[0] ?? '', $status);
        return [(int) ($status[1] ?? 0), $received, $answer];
    }

    /** What the server printed, for failure messages. */
    /** The server's base URL, http://127.0.0.1:PORT. */
    public function url(): string
    {
        return "http://{$this->address}";
    }

    public function log(): string
    {
        return (string) file_get_contents($this->logFile);
    }
}
