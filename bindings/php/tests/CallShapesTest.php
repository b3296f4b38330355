<?php

declare(strict_types=1);

namespace Wxpresign\Tests;

use Wxpresign\ApiException;
use Wxpresign\ArgumentException;
use Wxpresign\ValidationException;

/** The three wechatpay-php call shapes, over every endpoint the library lists. */
final class CallShapesTest extends SandboxTestCase
{
    /** @return iterable<string, array{string, array<string, mixed>}> the pre-signs, which the sandbox answers */
    public static function everyEndpoint(): iterable
    {
        foreach (self::endpoints() as $endpoint) {
            if ($endpoint['stage'] === 'presign') {
                yield $endpoint['path'] => [$endpoint['path'], $endpoint['example']];
            }
        }
    }

    /**
     * @dataProvider everyEndpoint
     * @param array<string, mixed> $example
     */
    public function testEveryEndpointAnswersItsExampleThroughChainedProperties(string $path, array $example): void
    {
        $chain = self::client();
        foreach (explode('/', $path) as $segment) {
            // mini-program → miniProgram, as a wechatpay-php user writes it.
            $property = lcfirst(str_replace(' ', '', ucwords(str_replace('-', ' ', $segment))));
            $chain = $chain->{$property};
        }
        self::assertSame($path, $chain->pathname());

        self::assertSuccessfulAnswer($chain->post(['json' => $example]));
    }

    public function testTheEndpointTableIsNotEmptyAndHasExamples(): void
    {
        self::assertGreaterThanOrEqual(5, count(self::endpoints()));
        foreach (self::endpoints() as $endpoint) {
            self::assertIsArray($endpoint['example'], $endpoint['path']);
        }
    }

    public function testChainedPropertiesCallTheMiniProgramEndpoint(): void
    {
        $path = 'v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program';
        $answer = self::client()->v3->papay->scheduledDeductSign->partner->contracts->preEntrustSign->miniProgram
            ->post(['json' => self::example($path)]);

        self::assertSuccessfulAnswer($answer);
    }

    public function testChainCallsAnEndpointByPath(): void
    {
        $answer = self::client()->chain(self::EDU)->post(['json' => self::example(self::EDU)]);

        self::assertSuccessfulAnswer($answer);
        self::assertArrayHasKey('presign_token', $answer['data']);
    }

    public function testArrayAccessCallsAnEndpointByPath(): void
    {
        $answer = self::client()[self::EDU]->post(['json' => self::example(self::EDU)]);

        self::assertSuccessfulAnswer($answer);
    }

    public function testPostTakesTheBodyWithoutTheJsonWrapper(): void
    {
        $answer = self::client()[self::EDU]->post(self::example(self::EDU));

        self::assertSuccessfulAnswer($answer);
    }

    public function testPostTakesAnObjectBody(): void
    {
        $request = json_decode((string) json_encode(self::example(self::EDU)), false);

        self::assertSuccessfulAnswer(self::client()[self::EDU]->post(['json' => $request]));
    }

    public function testALeadingSlashIsAccepted(): void
    {
        self::assertSuccessfulAnswer(self::client()->chain('/' . self::EDU)->post(['json' => self::example(self::EDU)]));
    }

    public function testChainNormalizesCamelCaseAsWechatpayPhpDoes(): void
    {
        $client = self::client();

        self::assertSame(self::EDU, $client->chain('v3/eduPapay/contracts/presign')->pathname());
        self::assertSame(self::EDU, $client['v3']->chain('eduPapay')['contracts']->presign->pathname());
        self::assertSame('v3/edu-papay', $client->V3->EduPapay->pathname());
    }

    public function testAnUnknownPathIsSentAsAnyCallAndTheServerSaysSo(): void
    {
        // No pre-sign endpoint there: post() sends it unchecked, and the server's 404 names it.
        try {
            self::client()->v3->papay->noSuchThing->post(['json' => self::example(self::EDU)]);
            self::fail('the sandbox has nothing at this path');
        } catch (ApiException $e) {
            self::assertSame(404, $e->getHttpStatus());
            self::assertStringContainsString('/v3/papay/no-such-thing', $e->getMessage());
        }
        // call() takes the pre-sign endpoints only, and names the path it does not know.
        try {
            self::client()->call('v3/papay/no-such-thing', self::example(self::EDU));
            self::fail('an unknown path was called');
        } catch (ArgumentException $e) {
            self::assertStringContainsString('v3/papay/no-such-thing', $e->getMessage());
            self::assertSame(1, $e->getStatusCode());
        }
    }

    public function testAnEmptyArrayIsSentAsAnEmptyObject(): void
    {
        // [] would be a JSON array; the library must see {} and name the first missing field.
        $this->expectException(ValidationException::class);
        $this->expectExceptionMessage('required');

        self::client()[self::EDU]->post(['json' => []]);
    }

    public function testAnOptionBesideJsonIsRefused(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('query');

        self::client()[self::EDU]->post(['json' => self::example(self::EDU), 'query' => ['a' => 1]]);
    }

    public function testTheHeadersOptionIsIgnored(): void
    {
        $answer = self::client()[self::EDU]->post([
            'json' => self::example(self::EDU),
            'headers' => ['Wechatpay-Serial' => 'set by the library'],
        ]);

        self::assertSuccessfulAnswer($answer);
    }

    public function testMethodsOtherThanPostAreRefused(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('post() only');

        self::client()[self::EDU]->get();
    }

    public function testAPathParameterBesideJsonGoesInThePathAsWechatpayPhpFillsIt(): void
    {
        try {
            self::client()->chain('v3/papay/pay/schedules/contract-id/{contract_id}/schedule')->post([
                'contract_id' => 'Wx 15 php',
                'json' => ['appid' => 'wxd678efh567hg6787', 'schedule_amount' => ['total' => 100, 'currency' => 'CNY']],
            ]);
            self::fail('the sandbox does not run the deduction schedule yet');
        } catch (ApiException $e) {
            self::assertSame(404, $e->getHttpStatus());
        }

        self::assertContains(['POST', '/v3/papay/pay/schedules/contract-id/Wx%2015%20php/schedule'], self::received());
    }

    public function testTheScheduleQueryTakesGetWithItsQueryMembers(): void
    {
        try {
            self::client()->chain('v3/papay/pay/partner/schedules/contract-id/{contract_id}')
                ->get(['contract_id' => '99887766', 'query' => ['sub_mchid' => '1900000109']]);
            self::fail('the sandbox does not run the schedule query yet');
        } catch (ApiException $e) {
            self::assertSame(404, $e->getHttpStatus());
        }

        self::assertContains(
            ['GET', '/v3/papay/pay/partner/schedules/contract-id/99887766?sub_mchid=1900000109'],
            self::received(),
        );
    }

    public function testAnInsurancePeriodQueryTakesItsIntegerPeriodBesideTheContract(): void
    {
        try {
            self::client()
                ->chain('v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}')
                ->get(['contract_id' => 'php-insurance-1', 'policy_period_id' => 7]);
            self::fail('the sandbox does not run the insurance period query yet');
        } catch (ApiException $e) {
            self::assertSame(404, $e->getHttpStatus());
        }

        self::assertContains(
            ['GET', '/v3/papay/insurance-pay/policy-periods/contract-id/php-insurance-1/policy-period-id/7'],
            self::received(),
        );
    }

    public function testAPathParameterHoldingASlashIsRefusedNamingIt(): void
    {
        try {
            self::client()->chain('v3/papay/contracts/{contract_id}/fail-notify')
                ->post(['contract_id' => 'a/b', 'json' => ['mchid' => '1230000109', 'appid' => 'wxd678efh567hg6787']]);
            self::fail('refused');
        } catch (ValidationException $e) {
            self::assertSame('/contract_id', $e->getField());
        }
    }

    public function testACallOnAContractTakesItsOwnMethodOnly(): void
    {
        $this->expectException(ArgumentException::class);
        $this->expectExceptionMessage('get() only');

        self::client()->chain('v3/papay/pay/schedules/contract-id/{contract_id}')->post(['contract_id' => '1']);
    }

    public function testARepaymentScheduleOfTwoItemsIsRefusedNamingScheduleItems(): void
    {
        // "当前只支持传入1个预约还款项" (https://pay.weixin.qq.com/doc/v3/partner/4016779459).
        $item = [
            'out_record_id' => '1234567abcde', 'sub_mchid' => '1900000109',
            'repayment_amount' => '10000', 'repayment_date' => '2025-11-18',
        ];
        try {
            self::client()->chain('v3/credit-repayment/partner/schedule-records/batch-create')->post(['json' => [
                'contract_id' => '20251105000000123456789', 'appid' => 'wxd678efh567hg6787',
                'openid' => 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'schedule_items' => [$item, $item],
            ]]);
            self::fail('refused');
        } catch (ValidationException $e) {
            self::assertSame('/schedule_items', $e->getField());
        }
    }

    /** @return list<array{string, string}> the method and target of every request the sandbox recorded */
    private static function received(): array
    {
        $base = self::config()['base_url'];
        $seen = [];
        $after = null;
        do {
            $url = "{$base}/sandbox/requests?limit=1000" . ($after === null ? '' : "&after={$after}");
            $page = json_decode((string) file_get_contents($url), true, 512, JSON_THROW_ON_ERROR);
            foreach ($page['requests'] as $request) {
                $seen[] = [$request['method'], $request['target']];
            }
            $after = $page['next_after'];
        } while ($after !== null);
        return $seen;
    }
}
