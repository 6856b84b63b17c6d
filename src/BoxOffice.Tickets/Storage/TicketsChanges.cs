using System.Text.Json;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.Tickets.Reservations;

namespace BoxOffice.Tickets.Storage;

/// <summary>What a Tickets decider asks to write; <see cref="TicketsWriter"/> is the only place that turns it into SQL.</summary>
internal abstract record TicketsChange;

/// <summary>A new reservation (Pending); its tickets are held by a <see cref="StockMoved"/> beside it.</summary>
internal sealed record ReservationCreated(Reservation Reservation, string? IdempotencyKey, string? RequestHash, DateTimeOffset At) : TicketsChange;

/// <summary>A reservation's new state (status, payment, challenge, refund, expiry), written whole.</summary>
internal sealed record ReservationChanged(Reservation Reservation, DateTimeOffset At) : TicketsChange;

/// <summary>
/// Tickets of a type move between available, held and sold: <paramref name="Held"/> and
/// <paramref name="Sold"/> are deltas. Moves commute, so a batch writes one sum per type.
/// </summary>
internal sealed record StockMoved(Guid TicketTypeId, int Held, int Sold) : TicketsChange;

/// <summary>The tickets of an acquired reservation, one row per code.</summary>
internal sealed record TicketsIssued(Reservation Reservation, IReadOnlyList<string> Codes, DateTimeOffset At) : TicketsChange;

/// <summary>An account was closed: its tokens may no longer write.</summary>
internal sealed record ClosedAccountRemembered(Guid UserId, DateTimeOffset ClosedAt) : TicketsChange;

/// <summary>A new event and its ticket types, in order.</summary>
internal sealed record EventCreated(EventRow Event, IReadOnlyList<TicketTypeRow> TicketTypes) : TicketsChange;

/// <summary>A ticket type's new capacity, and its max per order (never above the capacity).</summary>
internal sealed record CapacityChanged(Guid TicketTypeId, int Capacity, int MaxPerOrder) : TicketsChange;

/// <summary>An event's details, edited by its organizer (its id, organizer and creation time stay).</summary>
internal sealed record EventUpdated(EventRow Event) : TicketsChange;

/// <summary>A ticket type added to an existing event, after its others.</summary>
internal sealed record TicketTypeAdded(Guid EventId, TicketTypeRow TicketType) : TicketsChange;

internal sealed record EventRow(
    Guid Id,
    Guid OrganizerId,
    string Name,
    string Venue,
    string City,
    string Category,
    IReadOnlyList<string> Performers,
    DateTimeOffset StartsAt,
    int MinimumAge,
    string Description,
    DateTimeOffset CreatedAt);

internal sealed record TicketTypeRow(Guid Id, string Name, long Price, string Currency, int Capacity, int MaxPerOrder, int Position);

/// <summary>
/// Writes Tickets changes: every change of a call as one <see cref="StatementBatch"/> (one round trip
/// on PostgreSQL), stock moves summed per ticket type and checked against the stock.
/// </summary>
internal sealed class TicketsWriter : IChangeWriter<TicketsChange>
{
    public static TicketsWriter Instance { get; } = new();

    private TicketsWriter()
    {
    }

    public Task WriteAsync(ServiceTransaction transaction, TicketsChange change, CancellationToken cancellationToken) =>
        WriteAllAsync(transaction, [change], cancellationToken);

    public static async Task WriteAllAsync(ServiceTransaction transaction, IReadOnlyList<TicketsChange> changes, CancellationToken ct)
    {
        var batch = transaction.Batch();
        var stock = new Dictionary<Guid, (int Held, int Sold)>();
        var anyWaiting = AnswerWhenFinal.AnyWaiting;
        foreach (var change in changes)
        {
            if (anyWaiting && change is ReservationChanged { Reservation: { Status: not ReservationStatus.Pending } final })
            {
                // Request-response mode: the request waiting for it answers once this commits.
                transaction.OnCommitted(() => AnswerWhenFinal.Final(final.Id));
            }

            if (SoldOutRecently.Any && change is StockMoved { Held: < 0, Sold: <= 0 } or StockMoved { Sold: < 0 } or CapacityChanged)
            {
                // Tickets back on sale (or a new capacity): the edge stops answering "sold out" once this commits.
                var type = change is StockMoved back ? back.TicketTypeId : ((CapacityChanged)change).TicketTypeId;
                transaction.OnCommitted(() => SoldOutRecently.Forget(type));
            }

            switch (change)
            {
                case StockMoved move:
                    var (held, sold) = stock.GetValueOrDefault(move.TicketTypeId);
                    stock[move.TicketTypeId] = (checked(held + move.Held), checked(sold + move.Sold));
                    break;
                default:
                    Add(batch, change);
                    break;
            }
        }

        var firstMove = batch.Count;
        var moved = new List<Guid>(stock.Count);
        foreach (var (type, (held, sold)) in stock)
        {
            // The guard re-checks what the decider saw: a hold never takes more than is available
            // (releases and sales pass it, their held delta is not positive). The CHECK on the table
            // is the last line behind it.
            batch.Add("UPDATE ticket_types SET held = held + @held, sold = sold + @sold WHERE id = @id AND capacity - held - sold >= @held")
                .With("@held", held).With("@sold", sold).With("@id", type.ToString());
            moved.Add(type);
        }

        if (batch.Count == 0)
        {
            return;
        }

        var affected = await batch.ExecuteAsync(ct);
        for (var i = 0; i < moved.Count; i++)
        {
            if (affected[firstMove + i] != 1)
            {
                throw new InvalidOperationException($"Ticket type {moved[i]} had fewer tickets than its checked availability, or is gone.");
            }
        }
    }

    private static void Add(StatementBatch batch, TicketsChange change)
    {
        switch (change)
        {
            case ReservationCreated created:
                var r = created.Reservation;
                batch.Add("""
                        INSERT INTO reservations (id, user_id, event_id, ticket_type_id, quantity, amount, currency, status, payment_status,
                            challenge_url, failure_reason, refund_requested_at, expires_at, created_at, updated_at, idempotency_key, request_hash)
                        VALUES (@id, @user, @event, @type, @quantity, @amount, @currency, @status, @payment_status,
                            @challenge_url, @failure_reason, @refund_requested_at, @expires_at, @now, @now, @key, @hash)
                        """)
                    .With("@id", r.Id.ToString()).With("@user", r.UserId.ToString()).With("@event", r.EventId.ToString())
                    .With("@type", r.TicketTypeId.ToString()).With("@quantity", r.Quantity).With("@amount", r.Amount).With("@currency", r.Currency)
                    .With("@status", r.Status.ToString()).With("@payment_status", r.PaymentStatus.ToString())
                    .With("@challenge_url", r.ChallengeUrl).With("@failure_reason", r.FailureReason)
                    .With("@refund_requested_at", Ms(r.RefundRequestedAt)).With("@expires_at", TicketsStore.Ms(r.ExpiresAt))
                    .With("@now", TicketsStore.Ms(created.At)).With("@key", created.IdempotencyKey).With("@hash", created.RequestHash);
                break;
            case ReservationChanged changed:
                var c = changed.Reservation;
                batch.Add("""
                        UPDATE reservations SET status = @status, payment_status = @payment_status, challenge_url = @challenge_url,
                            failure_reason = @failure_reason, refund_requested_at = @refund_requested_at, expires_at = @expires_at, updated_at = @now
                        WHERE id = @id
                        """)
                    .With("@status", c.Status.ToString()).With("@payment_status", c.PaymentStatus.ToString())
                    .With("@challenge_url", c.ChallengeUrl).With("@failure_reason", c.FailureReason)
                    .With("@refund_requested_at", Ms(c.RefundRequestedAt)).With("@expires_at", TicketsStore.Ms(c.ExpiresAt))
                    .With("@now", TicketsStore.Ms(changed.At)).With("@id", c.Id.ToString());
                break;
            case TicketsIssued issued:
                foreach (var code in issued.Codes)
                {
                    batch.Add("""
                            INSERT INTO tickets (code, reservation_id, user_id, event_id, ticket_type_id, created_at)
                            VALUES (@code, @reservation, @user, @event, @type, @now)
                            """)
                        .With("@code", code).With("@reservation", issued.Reservation.Id.ToString()).With("@user", issued.Reservation.UserId.ToString())
                        .With("@event", issued.Reservation.EventId.ToString()).With("@type", issued.Reservation.TicketTypeId.ToString())
                        .With("@now", TicketsStore.Ms(issued.At));
                }

                break;
            case ClosedAccountRemembered closed:
                batch.Add("INSERT INTO closed_accounts (user_id, closed_at) VALUES (@user, @at) ON CONFLICT (user_id) DO NOTHING")
                    .With("@user", closed.UserId.ToString()).With("@at", TicketsStore.Ms(closed.ClosedAt));
                break;
            case EventCreated created:
                var e = created.Event;
                batch.Add("""
                        INSERT INTO events (id, organizer_id, name, venue, city, category, performers, starts_at, minimum_age, description, created_at)
                        VALUES (@id, @organizer, @name, @venue, @city, @category, @performers, @starts_at, @minimum_age, @description, @now)
                        """)
                    .With("@id", e.Id.ToString()).With("@organizer", e.OrganizerId.ToString()).With("@name", e.Name).With("@venue", e.Venue)
                    .With("@city", e.City).With("@category", e.Category)
                    .With("@performers", JsonSerializer.Serialize(e.Performers, TicketsJson.Default.IReadOnlyListString))
                    .With("@starts_at", TicketsStore.Ms(e.StartsAt)).With("@minimum_age", e.MinimumAge)
                    .With("@description", e.Description).With("@now", TicketsStore.Ms(e.CreatedAt));
                foreach (var t in created.TicketTypes)
                {
                    batch.Add("""
                            INSERT INTO ticket_types (id, event_id, name, price, currency, capacity, max_per_order, position)
                            VALUES (@id, @event, @name, @price, @currency, @capacity, @max_per_order, @position)
                            """)
                        .With("@id", t.Id.ToString()).With("@event", e.Id.ToString()).With("@name", t.Name).With("@price", t.Price)
                        .With("@currency", t.Currency).With("@capacity", t.Capacity).With("@max_per_order", t.MaxPerOrder).With("@position", t.Position);
                }

                break;
            case CapacityChanged capacity:
                batch.Add("UPDATE ticket_types SET capacity = @capacity, max_per_order = @max_per_order WHERE id = @id")
                    .With("@capacity", capacity.Capacity).With("@max_per_order", capacity.MaxPerOrder).With("@id", capacity.TicketTypeId.ToString());
                break;
            case EventUpdated updated:
                var u = updated.Event;
                batch.Add("""
                        UPDATE events SET name = @name, venue = @venue, city = @city, category = @category, performers = @performers,
                            starts_at = @starts_at, minimum_age = @minimum_age, description = @description
                        WHERE id = @id
                        """)
                    .With("@id", u.Id.ToString()).With("@name", u.Name).With("@venue", u.Venue).With("@city", u.City).With("@category", u.Category)
                    .With("@performers", JsonSerializer.Serialize(u.Performers, TicketsJson.Default.IReadOnlyListString))
                    .With("@starts_at", TicketsStore.Ms(u.StartsAt)).With("@minimum_age", u.MinimumAge).With("@description", u.Description);
                break;
            case TicketTypeAdded added:
                var a = added.TicketType;
                batch.Add("""
                        INSERT INTO ticket_types (id, event_id, name, price, currency, capacity, max_per_order, position)
                        VALUES (@id, @event, @name, @price, @currency, @capacity, @max_per_order, @position)
                        """)
                    .With("@id", a.Id.ToString()).With("@event", added.EventId.ToString()).With("@name", a.Name).With("@price", a.Price)
                    .With("@currency", a.Currency).With("@capacity", a.Capacity).With("@max_per_order", a.MaxPerOrder).With("@position", a.Position);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "A Tickets change with no SQL.");
        }
    }

    private static long? Ms(DateTimeOffset? at) => at is { } value ? TicketsStore.Ms(value) : null;
}
