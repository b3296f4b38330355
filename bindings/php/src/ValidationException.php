<?php

declare(strict_types=1);

namespace Wxpresign;

/** The request broke the endpoint's schema; nothing was sent (see getField()). */
final class ValidationException extends Exception
{
}
