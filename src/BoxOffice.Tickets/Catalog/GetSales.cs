using System.Globalization;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Tickets.Catalog;

internal sealed record TicketTypeSales(Guid Id, string Name, long Price, string Currency, int Capacity, int Held, int Sold, int Available);

internal sealed record Revenue(string Currency, long Amount);

/// <summary>Tickets sold up to the end of a bucket (cumulative), so a chart of it only rises.</summary>
internal sealed record SalesPoint(DateTimeOffset At, long Tickets);

/// <summary>An event's sales as its organizer watches them: tickets held and sold now, tickets released, expired and cancelled so far, revenue, and sales over time.</summary>
internal sealed record EventSales(
    Guid EventId,
    string Name,
    IReadOnlyList<TicketTypeSales> TicketTypes,
    long Held,
    long Sold,
    long Released,
    long Expired,
    long Cancelled,
    IReadOnlyList<Revenue> Revenue,
    int BucketSeconds,
    IReadOnlyList<SalesPoint> SoldOverTime);

/// <summary>
/// <c>GET /api/events/{id}/sales?bucketSeconds=60</c>: the event's organizer watches its sale. Held
/// and sold come from the ticket types (the stock itself); released, expired and cancelled are the
/// tickets of reservations that ended so; revenue is what acquired reservations paid, per currency;
/// the series is tickets sold by the end of each of the last <see cref="Buckets"/> buckets.
/// </summary>
internal static class GetSales
{
    public const int Buckets = 60;

    public static void Map(IEndpointRouteBuilder events) =>
        events.MapGet("/{id:guid}/sales", HandleAsync).RequireAuthorization(Roles.Organizer)
            .WithName("GetEventSales")
            .WithSummary("An event's sales, live (its organizer): held, sold, released, expired, revenue, sold over time")
            .WithQueryParameter("bucketSeconds", "The width of a point of the series, 1 to 86400 seconds (default 60); the series has the last 60.", integer: true)
            .Produces<EventSales>()
            .ProducesProblems(StatusCodes.Status400BadRequest, "invalid-request")
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found");

    public static async Task<IResult> HandleAsync(Guid id, HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets, TimeProvider time)
    {
        var ct = http.RequestAborted;
        var bucketSeconds = 60;
        if (http.Request.Query["bucketSeconds"] is { Count: > 0 } raw
            && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out bucketSeconds) || bucketSeconds is < 1 or > 86_400))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["bucketSeconds"] = ["bucketSeconds is a whole number from 1 to 86400."] });
        }

        await using var connection = await tickets.OpenReadAsync(ct);
        string? name = null;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name, organizer_id FROM events WHERE id = @id";
            command.With("@id", id.ToString());
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct) && Guid.Parse(reader.GetString(1)) == http.User.UserId())
            {
                name = reader.GetString(0);
            }
        }

        if (name is null)
        {
            return Problems.NotFound("No such event.");
        }

        var types = new List<TicketTypeSales>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, name, price, currency, capacity, held, sold FROM ticket_types WHERE event_id = @id ORDER BY position";
            command.With("@id", id.ToString());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var (capacity, held, sold) = (reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6));
                types.Add(new TicketTypeSales(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), capacity, held, sold, capacity - held - sold));
            }
        }

        var ended = new Dictionary<string, long>(StringComparer.Ordinal);
        var revenue = new List<Revenue>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT status, currency, CAST(SUM(quantity) AS BIGINT), CAST(SUM(amount) AS BIGINT)
                FROM reservations WHERE event_id = @id GROUP BY status, currency ORDER BY status, currency
                """;
            command.With("@id", id.ToString());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var status = reader.GetString(0);
                ended[status] = ended.GetValueOrDefault(status) + reader.GetInt64(2);
                if (status == nameof(Reservations.ReservationStatus.Acquired))
                {
                    revenue.Add(new Revenue(reader.GetString(1), reader.GetInt64(3)));
                }
            }
        }

        var series = await SeriesAsync(connection, id, bucketSeconds * 1000L, time.GetUtcNow(), ct);
        return TypedResults.Ok(new EventSales(id, name, types, types.Sum(t => (long)t.Held), types.Sum(t => (long)t.Sold),
            ended.GetValueOrDefault(nameof(Reservations.ReservationStatus.Released)), ended.GetValueOrDefault(nameof(Reservations.ReservationStatus.Expired)),
            ended.GetValueOrDefault(nameof(Reservations.ReservationStatus.Cancelled)), revenue, bucketSeconds, series));
    }

    /// <summary>Tickets sold by the end of each of the last <see cref="Buckets"/> buckets: a count before them, then one grouped query.</summary>
    private static async Task<List<SalesPoint>> SeriesAsync(System.Data.Common.DbConnection connection, Guid id, long bucketMs, DateTimeOffset now, CancellationToken ct)
    {
        var current = TicketsStore.Ms(now) / bucketMs;
        var first = current - Buckets + 1;
        long total;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT COUNT(*) FROM tickets WHERE event_id = @id AND created_at < @since";
            command.With("@id", id.ToString()).With("@since", first * bucketMs);
            total = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        var perBucket = new Dictionary<long, long>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT created_at / @bucket, COUNT(*) FROM tickets WHERE event_id = @id AND created_at >= @since GROUP BY 1";
            command.With("@id", id.ToString()).With("@since", first * bucketMs).With("@bucket", bucketMs);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                perBucket[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        var points = new List<SalesPoint>(Buckets);
        for (var bucket = first; bucket <= current; bucket++)
        {
            total += perBucket.GetValueOrDefault(bucket);
            points.Add(new SalesPoint(TicketsStore.At((bucket + 1) * bucketMs), total));
        }

        return points;
    }
}
