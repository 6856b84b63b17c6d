using System.Net;
using BoxOffice.PaymentGateway.Tests.Support;

namespace BoxOffice.PaymentGateway.Tests.Refunds;

public sealed class Refunding
{
    private static async Task<string> PaidIntentAsync(GatewayHost gateway, string reservationId = "res-1")
    {
        using var response = await gateway.CreateIntentAsync("pay-" + reservationId, "tok_visa", amount: 5_000, reservationId: reservationId);
        return (await response.JsonAsync()).Str("id");
    }

    [Fact]
    public async Task A_succeeded_payment_is_refunded_in_full_and_the_refund_is_in_the_ledger()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var intent = await PaidIntentAsync(gateway);

        using var response = await gateway.RefundAsync("refund-1", intent);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var refund = await response.JsonAsync();
        refund.Str("id").ShouldStartWith("re_");
        refund.Str("status").ShouldBe("succeeded");
        refund.Str("paymentIntent").ShouldBe(intent);
        refund.GetProperty("amount").GetInt64().ShouldBe(5_000);
        refund.Str("currency").ShouldBe("eur");
        var entry = (await gateway.LedgerAsync()).Where(e => e.Str("kind") == "refund").ShouldHaveSingleItem();
        entry.Str("id").ShouldBe(refund.Str("id"));
        entry.Str("reservationId").ShouldBe("res-1");
    }

    [Fact]
    public async Task A_payment_is_refunded_only_once()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var intent = await PaidIntentAsync(gateway);
        using var first = await gateway.RefundAsync("refund-1", intent, amount: 1_000);

        using var repeat = await gateway.RefundAsync("refund-1", intent, amount: 1_000);
        using var second = await gateway.RefundAsync("refund-2", intent, amount: 1_000);

        repeat.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await repeat.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .ShouldBe(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        second.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await second.JsonAsync()).GetProperty("error").Str("type").ShouldBe("invalid_request_error");
        (await gateway.LedgerAsync()).Count(e => e.Str("kind") == "refund").ShouldBe(1);
    }

    [Fact]
    public async Task Only_a_succeeded_payment_can_be_refunded()
    {
        await using var gateway = await GatewayHost.StartAsync();
        using var declined = await gateway.CreateIntentAsync("pay-1", "tok_chargeDeclined");

        using var ofDeclined = await gateway.RefundAsync("refund-1", (await declined.JsonAsync()).Str("id"));
        using var ofUnknown = await gateway.RefundAsync("refund-2", "pi_missing");
        using var tooMuch = await gateway.RefundAsync("refund-3", await PaidIntentAsync(gateway), amount: 5_001);

        foreach (var response in new[] { ofDeclined, ofUnknown, tooMuch })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await response.JsonAsync()).GetProperty("error").Str("type").ShouldBe("invalid_request_error");
        }

        (await gateway.LedgerAsync()).ShouldNotContain(e => e.Str("kind") == "refund");
    }
}
