using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging;
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
        var due = new List<(Guid Id, Guid User, Guid Event, Guid Type, int Quantity)>();
        await using (var reader = await tx.Command($"""
                SELECT id, user_id, event_id, ticket_type_id, quantity FROM reservations
                WHERE status = 'Pending' AND expires_at <= @now ORDER BY expires_at LIMIT {Batch}
                """).With("@now", TicketsStore.Ms(now)).ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                due.Add((Guid.Parse(reader.GetString(0)), Guid.Parse(reader.GetString(1)), Guid.Parse(reader.GetString(2)),
                    Guid.Parse(reader.GetString(3)), reader.GetInt32(4)));
            }
        }

        foreach (var r in due)
        {
            await TicketsStore.SetStatusAsync(tx, r.Id, ReservationStatus.Expired, null, null, now, ct);
            await TicketsStore.ReturnToStockAsync(tx, r.Type, r.Quantity, ct);
            tx.Publish(new TicketsReleased(r.Id, r.User, r.Event, r.Type, r.Quantity, ReleaseReason.Expired, "The hold expired before the payment completed."), correlationId: r.Id);
        }

        await tx.CommitAsync(ct);
        foreach (var r in due)
        {
            reservationLog.Expired(r.Id);
        }

        return due.Count;
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
