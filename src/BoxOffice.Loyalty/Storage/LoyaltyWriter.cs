using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;

namespace BoxOffice.Loyalty.Storage;

/// <summary>What the Loyalty deciders write.</summary>
internal abstract record LoyaltyChange
{
    private LoyaltyChange()
    {
    }

    /// <summary>A purchase earned <paramref name="Points"/> (positive), added to the buyer's balance.</summary>
    public sealed record PointsEarned(Guid UserId, Guid ReservationId, long Points, string Reason, DateTimeOffset At) : LoyaltyChange;

    /// <summary>The <paramref name="Points"/> (positive) a refunded purchase earned are taken back from the balance.</summary>
    public sealed record PointsRevoked(Guid UserId, Guid ReservationId, long Points, string Reason, DateTimeOffset At) : LoyaltyChange;

    /// <summary>The reservation's payment was refunded: a purchase seen after this earns nothing.</summary>
    public sealed record RefundSeen(Guid ReservationId) : LoyaltyChange;
}

/// <summary>The SQL of <see cref="LoyaltyChange"/>s, for the core's <c>ApplyAsync</c>: a history entry and the balance it moves, sent together.</summary>
internal sealed class LoyaltyWriter : IChangeWriter<LoyaltyChange>
{
    public const string Earned = "earned";

    public const string Revoked = "revoked";

    // The history's (reservation_id, kind) key makes a second earning or revocation of one purchase
    // fail the batch, rather than count twice, should a decision ever be wrong.
    private const string InsertHistory = """
        INSERT INTO points_history (user_id, reservation_id, kind, points, reason, occurred_at)
        VALUES (@user, @reservation, @kind, @points, @reason, @at)
        """;

    private const string AddToBalance = """
        INSERT INTO balances (user_id, points) VALUES (@user, @points)
        ON CONFLICT (user_id) DO UPDATE SET points = balances.points + excluded.points
        """;

    private const string InsertRefund = """
        INSERT INTO refunded_reservations (reservation_id) VALUES (@reservation) ON CONFLICT (reservation_id) DO NOTHING
        """;

    public static LoyaltyWriter Instance { get; } = new();

    private LoyaltyWriter()
    {
    }

    public async Task WriteAsync(ServiceTransaction transaction, LoyaltyChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        switch (change)
        {
            case LoyaltyChange.PointsEarned e:
                await AddPointsAsync(transaction, e.UserId, e.ReservationId, Earned, e.Points, e.Reason, e.At, cancellationToken);
                break;
            case LoyaltyChange.PointsRevoked r:
                await AddPointsAsync(transaction, r.UserId, r.ReservationId, Revoked, -r.Points, r.Reason, r.At, cancellationToken);
                break;
            case LoyaltyChange.RefundSeen s:
                var batch = transaction.Batch();
                batch.Add(InsertRefund).With("@reservation", s.ReservationId.ToString("D"));
                await batch.WriteAsync(cancellationToken);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown loyalty change.");
        }
    }

    private static async Task AddPointsAsync(
        ServiceTransaction transaction, Guid userId, Guid reservationId, string kind, long points, string reason, DateTimeOffset at, CancellationToken ct)
    {
        var user = userId.ToString("D");
        var batch = transaction.Batch();
        batch.Add(InsertHistory)
            .With("@user", user).With("@reservation", reservationId.ToString("D")).With("@kind", kind)
            .With("@points", points).With("@reason", reason).With("@at", at.ToUnixTimeMilliseconds());
        batch.Add(AddToBalance).With("@user", user).With("@points", points);
        await batch.WriteAsync(ct);
    }
}
