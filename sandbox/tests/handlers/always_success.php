<?php

declare(strict_types=1);

// Broken: answers success to everything, checking nothing.
http_response_code(200);
