using System.Diagnostics;
using System.Net;
using BoxOffice.PaymentGateway.Simulation;
using BoxOffice.PaymentGateway.Tests.Support;
using Microsoft.Extensions.Options;

namespace BoxOffice.PaymentGateway.Tests.Simulation;

public sealed class InjectingFaults
{
    [Fact]
    public async Task With_a_failure_rate_of_one_every_call_is_a_500_and_nothing_is_charged()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["PaymentGateway:FailureRate"] = "1" });

        using var response = await gateway.CreateIntentAsync("key-1", "tok_visa");

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await response.JsonAsync()).GetProperty("error").Str("type").ShouldBe("api_error");
        (await gateway.LedgerAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_first_attempt_that_times_out_still_charges_and_the_retry_gets_the_stored_answer()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["PaymentGateway:TimeoutOnFirstAttempt"] = "true",
            ["PaymentGateway:TimeoutDelayMs"] = "200",
        });

        var clock = Stopwatch.StartNew();
        await Should.ThrowAsync<HttpRequestException>(() => gateway.CreateIntentAsync("key-1", "tok_visa"));
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150));
        var charge = (await gateway.LedgerAsync()).ShouldHaveSingleItem();

        using var retry = await gateway.CreateIntentAsync("key-1", "tok_visa");

        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        var intent = await retry.JsonAsync();
        intent.Str("status").ShouldBe("succeeded");
        intent.Str("id").ShouldBe(charge.Str("paymentIntent"));
        (await gateway.ChargesAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task With_a_timeout_after_charge_rate_of_one_only_charges_lose_their_answer()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["PaymentGateway:TimeoutAfterChargeRate"] = "1",
            ["PaymentGateway:TimeoutDelayMs"] = "100",
        });

        using var declined = await gateway.CreateIntentAsync("key-1", "tok_chargeDeclined");
        await Should.ThrowAsync<HttpRequestException>(() => gateway.CreateIntentAsync("key-2", "tok_visa"));

        declined.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.ChargesAsync()).ShouldBe(1);
    }

    [Fact]
    public void Latency_follows_the_configured_median_and_p99()
    {
        var conditions = new SimulatedConditions(Options.Create(new GatewayOptions { LatencyMedianMs = 300, LatencyP99Ms = 3000 }));

        var samples = Enumerable.Range(0, 40_000).Select(_ => conditions.NextLatency().TotalMilliseconds).Order().ToArray();

        samples[samples.Length / 2].ShouldBe(300, tolerance: 20);
        samples[(int)(samples.Length * 0.99)].ShouldBe(3000, tolerance: 400);
    }

    [Fact]
    public void A_zero_median_means_no_latency()
    {
        var conditions = new SimulatedConditions(Options.Create(new GatewayOptions { LatencyMedianMs = 0 }));

        conditions.NextLatency().ShouldBe(TimeSpan.Zero);
    }
}
