<?php

declare(strict_types=1);

namespace Wxpresign;

/** DNS, connect, TLS, timeout or broken HTTP (see mayHaveReachedServer()). */
final class TransportException extends Exception
{
}
