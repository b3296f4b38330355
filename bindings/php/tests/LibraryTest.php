<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use Wxpresign\Client;
use Wxpresign\ConfigException;
use Wxpresign\Library;

/** The FFI header, and finding the shared library without configuration. */
final class LibraryTest extends SandboxTestCase
{
    /**
     * Runs $code with a copy of the package outside the repository; returns [status, output].
     *
     * @param array<string, ?string> $environment
     * @return array{int, string}
     */
    private static function inPackageCopy(string $code, array $environment): array
    {
        $copy = sys_get_temp_dir() . '/wxpresign-php-copy-' . bin2hex(random_bytes(4));
        mkdir("{$copy}/src", 0755, true);
        mkdir("{$copy}/include");
        copy(__DIR__ . '/../autoload.php', "{$copy}/autoload.php");
        copy(Library::header(), "{$copy}/include/wxpresign.h");
        foreach (glob(__DIR__ . '/../src/*.php') as $file) {
            copy($file, "{$copy}/src/" . basename($file));
        }
        try {
            return self::php(['-r', "require '{$copy}/autoload.php'; {$code}"], $environment);
        } finally {
            array_map('unlink', [...glob("{$copy}/src/*"), "{$copy}/include/wxpresign.h", "{$copy}/autoload.php"]);
            rmdir("{$copy}/src");
            rmdir("{$copy}/include");
            rmdir($copy);
        }
    }

    public function testTheHeaderHasNoPreprocessorLinesForFfiCdef(): void
    {
        $header = (string) file_get_contents(Library::header());

        self::assertDoesNotMatchRegularExpression('/^\s*#/m', $header);
    }

    public function testTheHeaderDeclaresEveryEndpointFunctionAndTheLifecycle(): void
    {
        $header = (string) file_get_contents(Library::header());
        $functions = array_column(self::endpoints(), 'c_function');
        array_push(
            $functions,
            'wxpresign_client_new',
            'wxpresign_client_free',
            'wxpresign_string_free',
            'wxpresign_call',
            'wxpresign_endpoints',
            'wxpresign_notification_parse',
            'wxpresign_version',
        );

        foreach ($functions as $function) {
            self::assertMatchesRegularExpression("/[ *]{$function}\\(/", $header, "{$function} is declared");
        }
    }

    public function testTheVersionIsSemantic(): void
    {
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', Client::version());
    }

    public function testTheLibraryComesFromTheEnvironmentVariable(): void
    {
        self::assertSame(getenv('WXPRESIGN_LIBRARY'), self::client()->librarySource());
    }

    public function testAnExplicitLibraryPathThatDoesNotExistIsAConfigErrorNamingIt(): void
    {
        $this->expectException(ConfigException::class);
        $this->expectExceptionMessage('libwxpresign not found at /nonexistent/libwxpresign.so (from the $libraryPath argument)');

        new Client(self::configPath(), '/nonexistent/libwxpresign.so');
    }

    public function testAFileThatIsNotALibraryIsAConfigError(): void
    {
        $this->expectException(ConfigException::class);
        $this->expectExceptionMessage('cannot load libwxpresign from ' . self::configPath());

        new Client(self::configPath(), self::configPath());
    }

    public function testAnEnvironmentVariableNamingNoFileIsAConfigErrorNamingIt(): void
    {
        [$status, $output] = self::inPackageCopy(
            'try { Wxpresign\Client::version(); } catch (Wxpresign\ConfigException $e) { echo $e->getMessage(); }',
            ['WXPRESIGN_LIBRARY' => '/nonexistent/libwxpresign.so'],
        );

        self::assertSame(0, $status, $output);
        self::assertSame('libwxpresign not found at /nonexistent/libwxpresign.so (from the WXPRESIGN_LIBRARY environment variable)', $output);
    }

    /**
     * Where discovery ends up with no variable set and the loader's search path emptied (cargo
     * test points LD_LIBRARY_PATH at its build): a path, or the error message.
     *
     * @param callable(string, array<string, ?string>): array{int, string} $run
     */
    private static function discovered(callable $run): string
    {
        [$status, $output] = $run(
            'try { echo Wxpresign\Library::locate(); } catch (Wxpresign\ConfigException $e) { echo $e->getMessage(); }',
            ['WXPRESIGN_LIBRARY' => null, 'LD_LIBRARY_PATH' => null],
        );
        self::assertSame(0, $status, $output);
        if ($output === Library::fileName()) {
            self::markTestSkipped(Library::fileName() . ' is installed where the system loader finds it');
        }
        return $output;
    }

    public function testWithoutAnyLibraryTheErrorSaysWhereItLooked(): void
    {
        // A copy of the package outside the repository: no build directories to fall back on.
        $output = self::discovered(static fn (string $code, array $environment): array => self::inPackageCopy($code, $environment));

        self::assertStringStartsWith('libwxpresign not found. Looked for:', $output);
        self::assertStringContainsString('WXPRESIGN_LIBRARY environment variable (not set)', $output);
        self::assertStringContainsString('FFI scope WXPRESIGN (not preloaded)', $output);
        self::assertStringContainsString(Library::fileName() . ' (', $output);
    }

    public function testInTheRepositoryCheckoutTheBuildDirectoriesAreSearched(): void
    {
        $autoload = realpath(__DIR__ . '/../autoload.php');
        $output = self::discovered(
            static fn (string $code, array $environment): array => self::php(['-r', "require '{$autoload}'; {$code}"], $environment),
        );

        self::assertStringContainsString(realpath(__DIR__ . '/../../..') . '/target/', $output);
    }
}
