using System.Net;
using BoxOffice.PaymentGateway.Simulation;
using BoxOffice.PaymentGateway.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.Options;

namespace BoxOffice.PaymentGateway.Tests.Simulation;

public sealed class BurstsAndOutages
{
    [Fact]
    public void Bursts_fail_every_call_for_their_length_once_a_period_from_the_first_period_on()
    {
        var start = DateTimeOffset.UtcNow;
        var conditions = new SimulatedConditions(Options.Create(new GatewayOptions { FailureBurstEverySeconds = 3, FailureBurstSeconds = 1 }));
        conditions.BurstFailure(start.AddSeconds(3)).ShouldBeNull("no burst before the first payment call");
        conditions.StartClock(start);
        conditions.StartClock(start.AddSeconds(1));

        // Seconds after the start → in a burst or not.
        var at = new (double Seconds, bool Fails)[] { (0, false), (1.5, false), (2.99, false), (3, true), (3.99, true), (4, false), (5.9, false), (6.5, true), (7.2, false), (9, true) };
        var seen = at.Select(a => (a.Seconds, Status: conditions.BurstFailure(start.AddSeconds(a.Seconds)))).ToList();

        seen.Select(s => s.Status is not null).ShouldBe(at.Select(a => a.Fails));
        seen.Where(s => s.Status is not null).ShouldAllBe(s => s.Status == 500 || s.Status == 502 || s.Status == 503);
        conditions.Counts.BurstFailures.ShouldBe(at.Count(a => a.Fails));
    }

    [Fact]
    public void Without_bursts_no_call_fails_in_one()
    {
        var start = DateTimeOffset.UtcNow;
        var conditions = new SimulatedConditions(Options.Create(new GatewayOptions()));
        conditions.StartClock(start);

        Enumerable.Range(0, 100).Select(s => conditions.BurstFailure(start.AddSeconds(s))).ShouldAllBe(s => s == null);
    }

    [Fact]
    public async Task During_an_outage_payment_calls_and_the_challenge_are_refused_503_with_retry_after_while_the_ledger_answers()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["PaymentGateway:OutageAfterSeconds"] = "0",
            ["PaymentGateway:OutageSeconds"] = "600",
        });

        using var charge = await gateway.CreateIntentAsync("key-1", "tok_visa");
        using var challenge = await gateway.Client.GetAsync(new Uri("/challenge/pi_any", UriKind.Relative), TestContext.Current.CancellationToken);

        charge.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        charge.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 600);
        (await charge.JsonAsync()).GetProperty("error").Str("type").ShouldBe("api_error");
        challenge.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await gateway.LedgerAsync()).ShouldBeEmpty();
        var report = await gateway.GetJsonAsync("/v1/simulation");
        report.GetProperty("injected").GetProperty("outageRefusals").GetInt64().ShouldBe(2);
        (report.GetProperty("outageUntil").GetDateTimeOffset() - report.GetProperty("outageFrom").GetDateTimeOffset()).ShouldBe(TimeSpan.FromSeconds(600));
        report.GetProperty("outageFrom").GetDateTimeOffset().ShouldBe(report.GetProperty("clockStartedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Once_the_outage_is_over_the_charge_asked_again_with_its_key_charges_once()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["PaymentGateway:OutageAfterSeconds"] = "0",
            ["PaymentGateway:OutageSeconds"] = "1",
        });

        using var refused = await gateway.CreateIntentAsync("key-1", "tok_visa");
        var answered = await Eventually.HoldsAsync(
            async () => (await gateway.CreateIntentAsync("key-1", "tok_visa")).StatusCode, s => s == HttpStatusCode.OK, "the gateway is back", TimeSpan.FromSeconds(10));

        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        answered.ShouldBe(HttpStatusCode.OK);
        (await gateway.ChargesAsync()).ShouldBe(1);
    }

    [Theory]
    [InlineData("5", "5", "0", "0")]
    [InlineData("5", "0", "0", "0")]
    [InlineData("0", "2", "0", "0")]
    [InlineData("0", "0", "30", "0")]
    public async Task Bursts_or_an_outage_that_make_no_sense_are_refused_at_start(string every, string length, string outageAfter, string outage)
    {
        using var directory = new TempDirectory("gateway");
        await using var app = PaymentGatewayApp.Build(["--urls", "http://127.0.0.1:0", "--contentRoot", directory.Path], builder =>
        {
            builder.Configuration["PaymentGateway:WebhookSecret"] = GatewayHost.Secret;
            builder.Configuration["PaymentGateway:FailureBurstEverySeconds"] = every;
            builder.Configuration["PaymentGateway:FailureBurstSeconds"] = length;
            builder.Configuration["PaymentGateway:OutageAfterSeconds"] = outageAfter;
            builder.Configuration["PaymentGateway:OutageSeconds"] = outage;
        });

        var refused = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));
        refused.Message.ShouldContain(outageAfter == "0" ? "FailureBurstSeconds" : "OutageSeconds");
    }
}
