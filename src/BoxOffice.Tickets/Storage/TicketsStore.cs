using System.Data.Common;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.Tickets.Reservations;

namespace BoxOffice.Tickets.Storage;

/// <summary>The reads the Tickets use cases share; writes go through <see cref="TicketsWriter"/>.</summary>
internal static class TicketsStore
{
    public const string ReservationColumns =
        "id, user_id, event_id, ticket_type_id, quantity, amount, currency, status, payment_status, challenge_url, failure_reason, refund_requested_at, expires_at";

    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static async Task<Reservation?> LoadReservationAsync(ServiceTransaction tx, Guid id, CancellationToken ct)
    {
        await using var reader = await tx.Command($"SELECT {ReservationColumns} FROM reservations WHERE id = @id")
            .With("@id", id.ToString()).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Map(reader) : null;
    }

    /// <summary>A row selected with <see cref="ReservationColumns"/>.</summary>
    public static Reservation Map(DbDataReader r) => new(
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
        r.IsDBNull(11) ? null : At(r.GetInt64(11)),
        At(r.GetInt64(12)));
}

/// <summary>
/// <c>IN (...)</c> lists of parameters for the queries that load a whole batch at once. The list is
/// padded to a power of two (the last value repeated), so a statement has a handful of shapes, each
/// prepared once, instead of one per batch size.
/// </summary>
internal static class SqlList
{
    /// <summary><c>@p0, @p1, …</c> for <paramref name="count"/> values, padded.</summary>
    public static string Placeholders(string prefix, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return string.Join(", ", Enumerable.Range(0, Padded(count)).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Binds <paramref name="values"/> to the placeholders of <see cref="Placeholders"/>.</summary>
    public static DbCommand WithList(this DbCommand command, string prefix, IReadOnlyList<string> values)
    {
        for (var i = 0; i < Padded(values.Count); i++)
        {
            command.With(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture), values[Math.Min(i, values.Count - 1)]);
        }

        return command;
    }

    private static int Padded(int count) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)count);
}
