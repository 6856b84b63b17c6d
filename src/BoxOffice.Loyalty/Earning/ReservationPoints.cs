using BoxOffice.Loyalty.Storage;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Loyalty.Earning;

/// <summary>
/// What Loyalty knows of one reservation when a fact about it arrives: whether its payment was
/// refunded, and the points its purchase earned (null when none were earned).
/// </summary>
internal sealed record ReservationPoints(bool Refunded, long? Earned)
{
    public static ReservationPoints None { get; } = new(false, null);

    public static async Task<ReservationPoints> LoadAsync(ServiceTransaction tx, Guid reservationId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        await using var reader = await tx.Command($"""
                SELECT CASE WHEN EXISTS (SELECT 1 FROM refunded_reservations WHERE reservation_id = @id) THEN 1 ELSE 0 END,
                       (SELECT points FROM points_history WHERE reservation_id = @id AND kind = '{LoyaltyWriter.Earned}')
                """)
            .With("@id", reservationId.ToString("D")).ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new ReservationPoints(reader.GetInt32(0) == 1, reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }
}
