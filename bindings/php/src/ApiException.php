<?php

declare(strict_types=1);

namespace Wxpresign;

/** WeChat Pay answered with a non-2xx status (see getHttpStatus(), getApiCode()). */
final class ApiException extends Exception
{
}
