<?php

declare(strict_types=1);

namespace Wxpresign;

/** A 2xx answer or a notification failed signature, timestamp, serial or header checks. */
final class VerifyException extends Exception
{
}
