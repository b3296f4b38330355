<?php

declare(strict_types=1);

namespace Wxpresign;

/** The configuration is incomplete or inconsistent, or the library cannot be loaded. */
final class ConfigException extends Exception
{
}
