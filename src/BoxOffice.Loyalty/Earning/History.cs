using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Loyalty.Earning;

internal static class History
{
    /// <summary>Records a change of points and applies it to the balance, in the consumer's transaction.</summary>
    public static async Task AddAsync(ConsumeContext context, Guid userId, Guid reservationId, string kind, long points, string reason, CancellationToken ct)
    {
        await context.Command("""
                INSERT INTO points_history (user_id, reservation_id, kind, points, reason, occurred_at)
                VALUES (@user, @reservation, @kind, @points, @reason, @at)
                """)
            .With("@user", userId.ToString()).With("@reservation", reservationId.ToString()).With("@kind", kind)
            .With("@points", points).With("@reason", reason).With("@at", context.Envelope.OccurredAt.ToUnixTimeMilliseconds())
            .ExecuteNonQueryAsync(ct);
        await context.Command("""
                INSERT INTO balances (user_id, points) VALUES (@user, @points)
                ON CONFLICT (user_id) DO UPDATE SET points = balances.points + excluded.points
                """)
            .With("@user", userId.ToString()).With("@points", points).ExecuteNonQueryAsync(ct);
    }
}
