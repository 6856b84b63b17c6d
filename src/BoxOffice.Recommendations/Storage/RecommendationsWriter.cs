using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;

namespace BoxOffice.Recommendations.Storage;

/// <summary>What the Recommendations deciders write: catalog facts and purchases, all derived from the Tickets log.</summary>
internal abstract record RecommendationsChange
{
    private RecommendationsChange()
    {
    }

    /// <summary>An event's ranking facts and its performers, replacing what was kept of it.</summary>
    public sealed record EventKept(
        Guid EventId, string Name, string City, string Category, DateTimeOffset StartsAt, int MinimumAge, IReadOnlyList<string> Performers)
        : RecommendationsChange;

    /// <summary>A buyer's acquisition, at <paramref name="SourceSequence"/> in the Tickets log, counted towards the event's buyers.</summary>
    public sealed record PurchaseRecorded(
        Guid ReservationId, Guid UserId, Guid EventId, int Quantity, long SourceSequence, DateTimeOffset At)
        : RecommendationsChange;
}

/// <summary>The SQL of <see cref="RecommendationsChange"/>s, for the core's <c>ApplyAsync</c>; each change's statements are sent together.</summary>
internal sealed class RecommendationsWriter : IChangeWriter<RecommendationsChange>
{
    private const string UpsertEvent = """
        INSERT INTO events (event_id, name, city, category, starts_at, minimum_age)
        VALUES (@id, @name, @city, @category, @starts_at, @minimum_age)
        ON CONFLICT (event_id) DO UPDATE SET
            name = excluded.name, city = excluded.city, category = excluded.category,
            starts_at = excluded.starts_at, minimum_age = excluded.minimum_age
        """;

    // No ON CONFLICT: the purchase is decided only for a reservation not recorded yet, and a wrong
    // decision must fail the batch (then decided again) rather than count the buyer's tickets twice.
    private const string InsertPurchase = """
        INSERT INTO purchases (reservation_id, user_id, event_id, quantity, source_seq, purchased_at)
        VALUES (@reservation, @user, @event, @quantity, @seq, @at)
        """;

    private const string AddBuyer = """
        INSERT INTO event_buyers (user_id, event_id, tickets) VALUES (@user, @event, @quantity)
        ON CONFLICT (user_id, event_id) DO UPDATE SET tickets = event_buyers.tickets + excluded.tickets
        """;

    public static RecommendationsWriter Instance { get; } = new();

    private RecommendationsWriter()
    {
    }

    public async Task WriteAsync(ServiceTransaction transaction, RecommendationsChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var batch = transaction.Batch();
        switch (change)
        {
            case RecommendationsChange.EventKept e:
                var id = e.EventId.ToString("D");
                batch.Add(UpsertEvent)
                    .With("@id", id).With("@name", e.Name).With("@city", e.City).With("@category", e.Category)
                    .With("@starts_at", RecommendationsSchema.Ms(e.StartsAt)).With("@minimum_age", e.MinimumAge);
                batch.Add("DELETE FROM event_performers WHERE event_id = @id").With("@id", id);
                foreach (var performer in e.Performers)
                {
                    batch.Add("INSERT INTO event_performers (event_id, performer) VALUES (@id, @performer)").With("@id", id).With("@performer", performer);
                }

                break;
            case RecommendationsChange.PurchaseRecorded p:
                var user = p.UserId.ToString("D");
                var @event = p.EventId.ToString("D");
                batch.Add(InsertPurchase)
                    .With("@reservation", p.ReservationId.ToString("D")).With("@user", user).With("@event", @event)
                    .With("@quantity", p.Quantity).With("@seq", p.SourceSequence).With("@at", RecommendationsSchema.Ms(p.At));
                batch.Add(AddBuyer).With("@user", user).With("@event", @event).With("@quantity", p.Quantity);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown recommendations change.");
        }

        await batch.WriteAsync(cancellationToken);
    }
}
