<?php

declare(strict_types=1);

namespace Wxpresign;

/** NULL pointer, invalid UTF-8, unparsable JSON, unknown endpoint, or a value the binding cannot pass (NUL byte, non-UTF-8 string). */
final class ArgumentException extends Exception
{
}
