using BoxOffice.PaymentGateway.PaymentIntents;
using BoxOffice.PaymentGateway.Storage;

namespace BoxOffice.PaymentGateway.Ledger;

/// <summary>A movement of money: a charge or a refund.</summary>
internal sealed record LedgerEntry(string Kind, string Id, string PaymentIntent, long Amount, string Currency, string? ReservationId, DateTimeOffset At);

internal static class LedgerEntries
{
    public const string Charge = "charge";
    public const string Refund = "refund";

    public static Task RecordAsync(GatewayTransaction tx, string kind, string id, PaymentIntent intent, long amount, DateTimeOffset at, CancellationToken ct) =>
        tx.ExecuteAsync(
            """
            INSERT INTO ledger (id, kind, payment_intent, amount, currency, reservation_id, at)
            VALUES (@id, @kind, @intent, @amount, @currency, @reservation, @at)
            """,
            ct,
            ("@id", id), ("@kind", kind), ("@intent", intent.Id), ("@amount", amount), ("@currency", intent.Currency),
            ("@reservation", intent.ReservationId), ("@at", Timestamps.Format(at)));

    public static async Task<bool> HasAsync(GatewayTransaction tx, string kind, string paymentIntent, CancellationToken ct)
    {
        await using var command = tx.Command("SELECT 1 FROM ledger WHERE payment_intent = @intent AND kind = @kind", ("@intent", paymentIntent), ("@kind", kind));
        return await command.ExecuteScalarAsync(ct) is not null;
    }
}
