<?php

declare(strict_types=1);

namespace Wxpresign;

/** A bug in libwxpresign (a caught panic); please report it. */
final class InternalException extends Exception
{
}
