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
    public static async Task<ReservationView?> LoadAsync(DbConnection connection, Guid id, Guid owner, CancellationToken ct)
    {
        var row = await TicketsStore.LoadReservationAsync(connection, id, ct);
        if (row is null || row.UserId != owner)
        {
            // Someone else's reservation is as unknown as a missing one.
            return null;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT code FROM tickets WHERE reservation_id = @id ORDER BY code";
        command.With("@id", id.ToString());
        var codes = new List<TicketCode>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            codes.Add(new TicketCode(reader.GetString(0)));
        }

        return From(row, codes);
    }

    public static ReservationView From(ReservationRow row, IReadOnlyList<TicketCode> codes) => new(
        row.Id, row.Status.ToString(), row.EventId, row.TicketTypeId, row.Quantity, row.Amount, row.Currency, row.ExpiresAt,
        row.PaymentStatus.ToString(), row.ChallengeUrl, row.FailureReason, codes);
}
