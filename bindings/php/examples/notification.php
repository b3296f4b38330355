<?php

declare(strict_types=1);

// The notify_url endpoint: WeChat Pay POSTs signing results (ENTRUST.SIGN and the like) here.
// Plain PHP; in a framework, pass its request headers and raw body instead.

require __DIR__ . '/../autoload.php'; // with Composer: require 'vendor/autoload.php';

use Wxpresign\Client;
use Wxpresign\Exception;

try {
    $client = new Client(getenv('WXPRESIGN_CONFIG') ?: '/etc/wxpresign/client.json');
    $notification = $client->parseNotification(getallheaders(), file_get_contents('php://input'));
    // Verified and decrypted. WeChat Pay may deliver the same id more than once: record it once.
    error_log("{$notification['event_type']} {$notification['id']}: "
        . json_encode($notification['resource'], JSON_UNESCAPED_UNICODE));
    $answer = $notification['answer'];
} catch (Exception $e) {
    error_log("notification refused: {$e->getMessage()}");
    // 401 for a bad signature, 400 for a malformed body; WeChat Pay retries later.
    $answer = $e->getAnswer() ?? ['status' => 500, 'headers' => [], 'body' => ''];
}

http_response_code($answer['status']);
foreach ($answer['headers'] as $name => $value) {
    header("{$name}: {$value}");
}
echo $answer['body'];
