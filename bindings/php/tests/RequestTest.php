<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use Wxpresign\ApiException;
use Wxpresign\ArgumentException;
use Wxpresign\Client;
use Wxpresign\ValidationException;

/** Any APIv3 call: get(), post() and the rest on a chain, with wechatpay-php's options. */
final class RequestTest extends SandboxTestCase
{
    private const SCHEDULED_MINI_PROGRAM = 'v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program';

    private string $records = '';

    private ?BuiltInServer $server = null;

    protected function tearDown(): void
    {
        $this->server = null;
        if ($this->records !== '') {
            @unlink($this->records);
        }
    }

    /** A client whose base_url and global_base_url are a server recording what it receives. */
    private function recorded(): Client
    {
        $this->records = (string) tempnam(sys_get_temp_dir(), 'wxpresign-php-records-');
        $this->server = new BuiltInServer(__DIR__ . '/fixtures/recorder.php', ['RECORD_FILE' => $this->records]);
        return self::client(['base_url' => $this->server->url(), 'global_base_url' => $this->server->url()]);
    }

    /** @return list<array{method: string, target: string, body: string}> */
    private function seen(): array
    {
        $lines = array_filter(explode("\n", (string) file_get_contents($this->records)));
        return array_values(array_map(static fn (string $l): array => json_decode($l, true, 512, JSON_THROW_ON_ERROR), $lines));
    }

    public function testPlaceholdersAndQueryMakeThePathAndTheBodyIsSent(): void
    {
        $client = $this->recorded();
        try {
            $client->chain('v3/papay/sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}')->get([
                'plan_id' => '12535',
                'out_contract_code' => 'Ab 12',
                'query' => ['appid' => 'wxcbda96de0b165486', 'remark' => 'a&b'],
            ]);
            self::fail('the recorder answers 404');
        } catch (ApiException $e) {
            self::assertSame(404, $e->getHttpStatus());
            self::assertSame('RESOURCE_NOT_EXISTS', $e->getApiCode());
        }
        try {
            $client->v3->papay->sign->contracts->_contract_id_->terminate->post([
                'contract_id' => '20200811000000000000000000000003',
                'json' => ['contract_termination_remark' => '用户解约'],
            ]);
            self::fail('the recorder answers 404');
        } catch (ApiException) {
        }
        [$get, $post] = $this->seen();
        self::assertSame('GET', $get['method']);
        self::assertSame('/v3/papay/sign/contracts/plan-id/12535/out-contract-code/Ab%2012?appid=wxcbda96de0b165486&remark=a%26b', $get['target']);
        self::assertSame('', $get['body']);
        self::assertSame('POST', $post['method']);
        self::assertSame('/v3/papay/sign/contracts/20200811000000000000000000000003/terminate', $post['target']);
        self::assertSame(['contract_termination_remark' => '用户解约'], json_decode($post['body'], true));
    }

    public function testAPreSignPathStillChecksItsSchemaAndAnyCallDoesNot(): void
    {
        $client = self::client();
        $bad = array_merge(self::example(self::EDU), ['plan_id' => 12]);
        try {
            $client->chain(self::EDU)->post(['json' => $bad]);
            self::fail('the schema refuses a number plan_id');
        } catch (\Wxpresign\ValidationException) {
        }
        $answer = $client->request('POST', self::EDU, ['json' => self::example(self::EDU)]);
        self::assertSame(200, $answer['status']);
        self::assertArrayHasKey('presign_token', $answer['data']);
        $this->expectException(ApiException::class);
        $client->request('POST', self::EDU, ['json' => $bad]);
    }

    public function testMissingPlaceholdersUnknownOptionsAndBadPathsAreRefused(): void
    {
        $client = $this->recorded();
        $cases = [
            fn () => $client->chain('v3/papay/contracts/{contract_id}')->get(),
            fn () => $client->chain('v3/papay/contracts')->get(['appid' => 'wx1']),
            fn () => $client->chain('v3/papay/../certificates')->get(),
            fn () => $client->chain('v3/papay/contracts')->get(['json' => ['a' => 1]]),
            fn () => $client->chain('v3/papay/contracts')->getAsync(),
        ];
        foreach ($cases as $i => $case) {
            try {
                $case();
                self::fail("case {$i} was not refused");
            } catch (ArgumentException $e) {
                self::assertNotSame('', $e->getMessage());
            }
        }
        self::assertSame([], $this->seen(), 'nothing was sent');
    }

    public function testAMistypedPreSignChainIsRefusedWithThePathMeantAndNotSent(): void
    {
        $client = $this->recorded();
        $request = ['json' => self::example(self::SCHEDULED_MINI_PROGRAM)];
        $mistyped = [
            '/v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program' =>
                fn () => $client->v3->papay->scheduledDeductSign->contracts->preEntrustSign->miniprogram->post($request),
            '/v3/global/papay/contracts/miniprogram-pre-entrust-sign' =>
                fn () => $client->v3->global->papay->contracts->miniProgramPreEntrustSign->post($request),
        ];
        foreach ($mistyped as $meant => $call) {
            try {
                $call();
                self::fail("a chain meaning {$meant} was sent");
            } catch (ValidationException $e) {
                self::assertStringContainsString("did you mean {$meant}?", $e->getMessage());
                self::assertFalse($e->mayHaveReachedServer());
            }
        }
        self::assertSame([], $this->seen(), 'nothing was sent');
        // The path meant is the endpoint's, and reaches the server.
        try {
            $client->v3->papay->scheduledDeductSign->contracts->preEntrustSign->miniProgram->post($request);
            self::fail('the recorder answers 404');
        } catch (ApiException) {
        }
        self::assertSame(['/' . self::SCHEDULED_MINI_PROGRAM], array_column($this->seen(), 'target'));
    }

    public function testAPublicKeyMerchantHasNoPlatformCertificates(): void
    {
        try {
            self::client()->downloadPlatformCertificates();
            self::fail('a public-key merchant has no certificates');
        } catch (ApiException $e) {
            self::assertSame(404, $e->getHttpStatus());
        }
    }

    public function testEncryptNamesTheSerialRequestsSend(): void
    {
        $encrypted = self::client()->encrypt('张三');
        self::assertSame(self::config()['wechatpay_public_key_id'], $encrypted['serial']);
        self::assertNotSame('', $encrypted['ciphertext']);
    }
}
