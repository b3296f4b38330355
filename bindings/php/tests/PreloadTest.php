<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use Wxpresign\Library;

/** preload.php under opcache.preload, as PHP-FPM runs it: clients then use FFI::scope. */
final class PreloadTest extends SandboxTestCase
{
    private const PACKAGE = __DIR__ . '/..';

    private const SCRIPT = __DIR__ . '/fixtures/preloaded_call.php';

    /** @return list<string> */
    private static function preloadOptions(): array
    {
        return [
            '-d', 'ffi.enable=preload',
            '-d', 'opcache.enable=1',
            '-d', 'opcache.enable_cli=1',
            '-d', 'opcache.preload=' . realpath(self::PACKAGE . '/preload.php'),
        ];
    }

    private static function request(): string
    {
        return json_encode(self::example(self::EDU), JSON_THROW_ON_ERROR);
    }

    public function testWithFfiPreloadAndAPreloadUserClientsUseTheScope(): void
    {
        // A root PHP-FPM master preloads as opcache.preload_user, where FFI::load is refused:
        // the scope comes from ffi.preload and the header bin/wxpresign-ffi-header writes.
        $header = (string) tempnam(sys_get_temp_dir(), 'wxpresign-scope-');
        try {
            [$status, $output] = self::php([self::PACKAGE . '/bin/wxpresign-ffi-header', $header]);
            self::assertSame(0, $status, $output);
            $user = posix_getpwuid(posix_geteuid())['name'];

            [$status, $output] = self::php(
                [...self::preloadOptions(), '-d', "opcache.preload_user={$user}", '-d', "ffi.preload={$header}", self::SCRIPT, self::configPath()],
                [],
                self::request(),
            );

            self::assertSame([0, "FFI scope WXPRESIGN\n200\n"], [$status, $output]);
        } finally {
            unlink($header);
        }
    }

    public function testPreloadAloneDeclaresTheScopeWithFfiLoad(): void
    {
        // FFI::load works where preloading is not handed to another user: not as root.
        if (posix_geteuid() !== 0) {
            $result = self::php([...self::preloadOptions(), self::SCRIPT, self::configPath()], [], self::request());
            self::assertSame([0, "FFI scope WXPRESIGN\n200\n"], $result);
            return;
        }
        $runuser = trim((string) shell_exec('command -v runuser'));
        if ($runuser === '') {
            self::markTestSkipped('running as root without runuser: cannot preload as an unprivileged user');
        }
        // User nobody reads a copy of the sandbox configuration.
        $config = (string) tempnam(sys_get_temp_dir(), 'wxpresign-config-');
        try {
            copy(self::configPath(), $config);
            chmod($config, 0644);
            $paths = [$config, (string) getenv('WXPRESIGN_LIBRARY'), self::SCRIPT, Library::header()];
            $check = 'foreach (array_slice($argv, 1) as $p) { if (!is_readable($p)) { exit(1); } }';
            if (self::runAsNobody($runuser, ['-r', $check, ...$paths])[0] !== 0) {
                self::markTestSkipped('user nobody cannot read the package, the library or the configuration');
            }

            $result = self::runAsNobody($runuser, [...self::preloadOptions(), self::SCRIPT, $config], self::request());

            self::assertSame([0, "FFI scope WXPRESIGN\n200\n"], $result);
        } finally {
            unlink($config);
        }
    }

    public function testPreloadAsRootWithoutFfiPreloadSaysWhatToDo(): void
    {
        if (posix_geteuid() !== 0) {
            self::markTestSkipped('opcache.preload_user only applies to root');
        }
        [$status, $output] = self::php(
            [...self::preloadOptions(), '-d', 'opcache.preload_user=root', self::SCRIPT, self::configPath()],
            [],
            self::request(),
        );

        self::assertNotSame(0, $status);
        self::assertStringContainsString('set ffi.preload=', $output);
    }

    /** @return array{int, string} */
    private static function runAsNobody(string $runuser, array $arguments, ?string $stdin = null): array
    {
        $process = proc_open(
            [$runuser, '-u', 'nobody', '--', PHP_BINARY, ...$arguments],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]],
            $pipes,
            '/',
            getenv(),
        );
        self::assertIsResource($process);
        fwrite($pipes[0], $stdin ?? '');
        fclose($pipes[0]);
        $output = (string) stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        return [proc_close($process), $output];
    }
}
