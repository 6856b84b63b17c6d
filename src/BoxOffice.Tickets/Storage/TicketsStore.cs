using System.Data.Common;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.Tickets.Reservations;

namespace BoxOffice.Tickets.Storage;

/// <summary>A reservation as stored.</summary>
internal sealed record ReservationRow(
    Guid Id,
    Guid UserId,
    Guid EventId,
    Guid TicketTypeId,
    int Quantity,
    long Amount,
    string Currency,
    ReservationStatus Status,
    PaymentStatus PaymentStatus,
    string? ChallengeUrl,
    string? FailureReason,
    bool RefundRequested,
    DateTimeOffset ExpiresAt);

/// <summary>The SQL the Tickets use cases share.</summary>
internal static class TicketsStore
{
    public const string ReservationColumns =
        "id, user_id, event_id, ticket_type_id, quantity, amount, currency, status, payment_status, challenge_url, failure_reason, refund_requested_at, expires_at";

    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static async Task<TicketTypeState?> LoadTicketTypeAsync(ServiceTransaction tx, Guid ticketTypeId, CancellationToken ct)
    {
        await using var reader = await tx.Command("""
                SELECT t.id, t.event_id, t.price, t.currency, t.capacity, t.held, t.sold, t.max_per_order, e.starts_at, e.minimum_age
                FROM ticket_types t JOIN events e ON e.id = t.event_id WHERE t.id = @id
                """).With("@id", ticketTypeId.ToString()).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new TicketTypeState(
                Guid.Parse(reader.GetString(0)), Guid.Parse(reader.GetString(1)), reader.GetInt64(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), At(reader.GetInt64(8)), reader.GetInt32(9))
            : null;
    }

    public static async Task<BuyerHolds> LoadBuyerHoldsAsync(ServiceTransaction tx, Guid userId, Guid eventId, CancellationToken ct)
    {
        await using var reader = await tx.Command("""
                SELECT COALESCE(SUM(CASE WHEN status = 'Pending' THEN 1 ELSE 0 END), 0), COALESCE(SUM(quantity), 0),
                    MAX(CASE WHEN status = 'Pending' THEN id END)
                FROM reservations WHERE user_id = @user AND event_id = @event AND status IN ('Pending', 'Acquired')
                """).With("@user", userId.ToString()).With("@event", eventId.ToString()).ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        // Ids are version 7 GUIDs: the greatest is the latest reservation.
        return new BuyerHolds(reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : Guid.Parse(reader.GetString(2)));
    }

    public static async Task<ReservationRow?> LoadReservationAsync(ServiceTransaction tx, Guid id, CancellationToken ct)
    {
        await using var reader = await tx.Command($"SELECT {ReservationColumns} FROM reservations WHERE id = @id")
            .With("@id", id.ToString()).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Map(reader) : null;
    }

    /// <summary>Returns held tickets to stock (a release, an expiry or a cancellation).</summary>
    public static Task ReturnToStockAsync(ServiceTransaction tx, Guid ticketTypeId, int quantity, CancellationToken ct) =>
        tx.Command("UPDATE ticket_types SET held = held - @quantity WHERE id = @id")
            .With("@quantity", quantity).With("@id", ticketTypeId.ToString()).ExecuteNonQueryAsync(ct);

    public static Task SetStatusAsync(ServiceTransaction tx, Guid id, ReservationStatus status, PaymentStatus? paymentStatus, string? failureReason, DateTimeOffset now, CancellationToken ct) =>
        tx.Command("""
                UPDATE reservations SET status = @status, payment_status = COALESCE(@payment_status, payment_status),
                    failure_reason = COALESCE(@failure_reason, failure_reason), updated_at = @now
                WHERE id = @id
                """)
            .With("@status", status.ToString()).With("@payment_status", paymentStatus?.ToString())
            .With("@failure_reason", failureReason).With("@now", Ms(now)).With("@id", id.ToString())
            .ExecuteNonQueryAsync(ct);

    /// <summary>A row selected with <see cref="ReservationColumns"/>.</summary>
    public static ReservationRow Map(DbDataReader r) => new(
        Guid.Parse(r.GetString(0)),
        Guid.Parse(r.GetString(1)),
        Guid.Parse(r.GetString(2)),
        Guid.Parse(r.GetString(3)),
        r.GetInt32(4),
        r.GetInt64(5),
        r.GetString(6),
        Enum.Parse<ReservationStatus>(r.GetString(7)),
        Enum.Parse<PaymentStatus>(r.GetString(8)),
        r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : r.GetString(10),
        !r.IsDBNull(11),
        At(r.GetInt64(12)));
}
