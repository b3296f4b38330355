<?php

declare(strict_types=1);

namespace Wxpresign;

/** A local cryptographic operation failed. */
final class CryptoException extends Exception
{
}
