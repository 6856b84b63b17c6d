using System.Data.Common;
using BoxOffice.Messaging.Storage;
using BoxOffice.Tickets.Storage;

namespace BoxOffice.Tickets.Reservations;

internal sealed record TicketCode(string Code);

/// <summary>A reservation as its owner sees it.</summary>
internal sealed record ReservationView(
    Guid Id,
    string Status,
    Guid EventId,
    Guid TicketTypeId,
    int Quantity,
    long Amount,
    string Currency,
    DateTimeOffset ExpiresAt,
    string PaymentStatus,
    string? ChallengeUrl,
    string? FailureReason,
    IReadOnlyList<TicketCode> Tickets)
{
    /// <summary>
    /// The owner's reservations (one when <paramref name="id"/> is given), newest first, with their
    /// ticket codes: two queries, whatever the count. Someone else's reservation is as unknown as a
    /// missing one: the owner is part of every filter.
    /// </summary>
    public static async Task<List<ReservationView>> LoadOwnedAsync(DbConnection connection, Guid owner, Guid? id, CancellationToken ct)
    {
        var onlyReservation = id is null ? string.Empty : " AND id = @id";
        var onlyItsTickets = id is null ? string.Empty : " AND reservation_id = @id";
        var rows = new List<Reservation>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {TicketsStore.ReservationColumns} FROM reservations WHERE user_id = @user{onlyReservation} ORDER BY created_at DESC, id DESC LIMIT 500";
            command.With("@user", owner.ToString()).With("@id", id?.ToString());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(TicketsStore.Map(reader));
            }
        }

        var codes = new Dictionary<Guid, List<TicketCode>>();
        if (rows.Count > 0)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT reservation_id, code FROM tickets WHERE user_id = @user{onlyItsTickets} ORDER BY code";
            command.With("@user", owner.ToString()).With("@id", id?.ToString());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var reservation = Guid.Parse(reader.GetString(0));
                if (!codes.TryGetValue(reservation, out var list))
                {
                    codes[reservation] = list = [];
                }

                list.Add(new TicketCode(reader.GetString(1)));
            }
        }

        return [.. rows.Select(row => From(row, codes.GetValueOrDefault(row.Id) ?? []))];
    }

    // The challenge link is shown only while answering it can still buy the tickets: once the
    // reservation is final its intent is cancelled, and a link to it would only confuse the buyer.
    public static ReservationView From(Reservation row, IReadOnlyList<TicketCode> codes) => new(
        row.Id, row.Status.ToString(), row.EventId, row.TicketTypeId, row.Quantity, row.Amount, row.Currency, row.ExpiresAt,
        row.PaymentStatus.ToString(), row.Status == ReservationStatus.Pending ? row.ChallengeUrl : null, row.FailureReason, codes);
}
