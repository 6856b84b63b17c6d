using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.Storage;
using BoxOffice.Tickets.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BoxOffice.Tickets.Reservations;

/// <summary>
/// Expires Pending reservations whose hold has lapsed: Expired, stock returned, TicketsReleased.
/// It looks every <c>ExpiryInterval</c> (250 ms) by the injected clock, and first thing at start-up,
/// so overdue holds expire after a restart too (the messaging core's <see cref="WorkLoop"/>: a full
/// batch is followed by the next at once, a failure by a backoff).
/// </summary>
internal sealed class ExpireHolds(
    [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets,
    IOptions<TicketsOptions> options,
    TimeProvider time,
    ReservationLog reservationLog,
    WorkLoopServices loop) : WorkLoop("Expiring holds", loop)
{
    private const int Batch = 500;

    protected override TimeSpan Poll => options.Value.ExpiryInterval;

    protected override async Task<bool> DoDueWorkAsync(CancellationToken ct) => await ExpireDueAsync(ct) == Batch;

    internal async Task<int> ExpireDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!await AnyDueAsync(now, ct))
        {
            return 0;
        }

        await using var tx = await tickets.BeginAsync(ct);
        var due = new List<Reservation>();
        await using (var reader = await tx.Command($"""
                SELECT {TicketsStore.ReservationColumns} FROM reservations
                WHERE status = 'Pending' AND expires_at <= @now ORDER BY expires_at LIMIT {Batch}
                """).With("@now", TicketsStore.Ms(now)).ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                due.Add(TicketsStore.Map(reader));
            }
        }

        // The whole sweep's changes in one statement batch; each release's event correlated by its reservation.
        var decisions = due.Select(r => (r.Id, Decision: Decide(r, now))).ToList();
        await TicketsWriter.WriteAllAsync(tx, [.. decisions.SelectMany(d => d.Decision.Changes)], ct);
        foreach (var (id, decision) in decisions)
        {
            tx.Publish(decision.Events, correlationId: id);
        }

        await tx.CommitAsync(ct);
        foreach (var r in due)
        {
            reservationLog.Expired(r.Id);
        }

        return due.Count;
    }

    /// <summary>
    /// A Pending reservation whose hold has lapsed: Expired, its tickets back on sale,
    /// <c>TicketsReleased</c>. Anything else (final already, or not due yet) is left as it is.
    /// </summary>
    public static Decision<TicketsChange> Decide(Reservation reservation, DateTimeOffset now)
    {
        if (!reservation.CanRelease || reservation.ExpiresAt > now)
        {
            return Decision<TicketsChange>.None;
        }

        return new Decision<TicketsChange>(
            [new ReservationChanged(reservation with { Status = ReservationStatus.Expired }, now), new StockMoved(reservation.TicketTypeId, -reservation.Quantity, 0)],
            [Outgoing.Of(new TicketsReleased(
                reservation.Id, reservation.UserId, reservation.EventId, reservation.TicketTypeId, reservation.Quantity,
                ReleaseReason.Expired, "The hold expired before the payment completed."))]);
    }

    private async Task<bool> AnyDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        // Look on a reader first: most rounds find nothing and need not take the write lock.
        await using var connection = await tickets.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM reservations WHERE status = 'Pending' AND expires_at <= @now)";
        command.With("@now", TicketsStore.Ms(now));
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }
}
