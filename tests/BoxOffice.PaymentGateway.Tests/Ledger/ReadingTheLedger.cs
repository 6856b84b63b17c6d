using BoxOffice.PaymentGateway.Tests.Support;

namespace BoxOffice.PaymentGateway.Tests.Ledger;

public sealed class ReadingTheLedger
{
    [Fact]
    public async Task The_ledger_is_filtered_by_reservation()
    {
        await using var gateway = await GatewayHost.StartAsync();
        using var a = await gateway.CreateIntentAsync("key-a", "tok_visa", amount: 1_000, reservationId: "res-a");
        using var b = await gateway.CreateIntentAsync("key-b", "tok_visa", amount: 2_000, reservationId: "res-b");
        using var refund = await gateway.RefundAsync("refund-a", (await a.JsonAsync()).Str("id"));

        var ofA = await gateway.LedgerAsync("res-a");
        var all = await gateway.LedgerAsync();

        ofA.Select(e => e.Str("kind")).ShouldBe(["charge", "refund"]);
        ofA.ShouldAllBe(e => e.Str("reservationId") == "res-a" && e.GetProperty("amount").GetInt64() == 1_000);
        ofA.ShouldAllBe(e => e.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        (await gateway.LedgerAsync("res-b")).ShouldHaveSingleItem().GetProperty("amount").GetInt64().ShouldBe(2_000);
        (await gateway.LedgerAsync("res-none")).ShouldBeEmpty();
        all.Count.ShouldBe(3);
    }
}
