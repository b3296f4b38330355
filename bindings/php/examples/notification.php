<?php

declare(strict_types=1);

// The notify_url endpoint: WeChat Pay POSTs signing results (ENTRUST.SIGN and the like) here.
// Plain PHP; in a framework, pass its request headers and raw body instead. Test it with
// `wxpresign notify-test URL --sandbox DIR` (docs/notifications.md, "Testing your handler").

require __DIR__ . '/../autoload.php'; // with Composer: require 'vendor/autoload.php';

use Wxpresign\Client;
use Wxpresign\Exception;

// The answer when something else fails (the configuration, your own logic): WeChat Pay retries.
$retryLater = ['status' => 500, 'headers' => ['Content-Type' => 'application/json'],
    'body' => json_encode(['code' => 'FAIL', 'message' => '失败'], JSON_UNESCAPED_UNICODE)];

try {
    $client = new Client(getenv('WXPRESIGN_CONFIG') ?: '/etc/wxpresign/client.json');
    // Verifies the signature over the raw body (a WECHATPAY/SIGNTEST/ probe fails, as it must),
    // refuses a timestamp 5 minutes or more off, and decrypts the resource.
    $notification = $client->parseNotification(getallheaders(), file_get_contents('php://input'));
    // Your business logic. WeChat Pay delivers a notification again until answered 2xx, so the
    // same id can arrive twice: act on it once (keyed on its id), and answer 2xx every time.
    error_log("{$notification['event_type']} {$notification['id']}: "
        . json_encode($notification['resource'], JSON_UNESCAPED_UNICODE));
    $answer = $notification['answer'];
} catch (Exception $e) {
    // Forged, replayed, altered or a probe: not acted on. The answer is 4xx or 5xx with
    // {"code":"FAIL",...}, and WeChat Pay retries later; the details are in $e, for your logs.
    error_log("notification refused: {$e->getMessage()}");
    $answer = $e->getAnswer() ?? $retryLater;
} catch (\Throwable $e) {
    error_log("notification not handled: {$e->getMessage()}");
    $answer = $retryLater;
}

http_response_code($answer['status']);
foreach ($answer['headers'] as $name => $value) {
    header("{$name}: {$value}");
}
echo $answer['body'];
