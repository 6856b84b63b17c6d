using System.Data.Common;
using System.Text.Json;
using BoxOffice.Messaging.Storage;
using BoxOffice.Tickets.Storage;

namespace BoxOffice.Tickets.Catalog;

internal sealed record TicketTypeView(Guid Id, string Name, long Price, string Currency, int Capacity, int Available, int MaxPerOrder);

/// <summary>An event with live availability, as anyone sees it.</summary>
internal sealed record EventView(
    Guid Id,
    string Name,
    string Venue,
    string City,
    string Category,
    IReadOnlyList<string> Performers,
    DateTimeOffset StartsAt,
    int MinimumAge,
    string Description,
    IReadOnlyList<TicketTypeView> TicketTypes)
{
    private const string Columns = "id, name, venue, city, category, performers, starts_at, minimum_age, description";

    /// <summary>Events matching the filter (all when null), soonest first, with their ticket types.</summary>
    public static async Task<List<EventView>> LoadAsync(DbConnection connection, string where, IReadOnlyList<(string Name, object? Value)> parameters, int limit, CancellationToken ct)
    {
        var events = new List<EventView>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {Columns} FROM events WHERE {where} ORDER BY starts_at, id LIMIT {limit}";
            foreach (var (name, value) in parameters)
            {
                command.With(name, value);
            }

            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                events.Add(new EventView(
                    Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    JsonSerializer.Deserialize(reader.GetString(5), TicketsJson.Default.IReadOnlyListString) ?? [],
                    TicketsStore.At(reader.GetInt64(6)), reader.GetInt32(7), reader.GetString(8), []));
            }
        }

        for (var i = 0; i < events.Count; i++)
        {
            events[i] = events[i] with { TicketTypes = await TypesAsync(connection, events[i].Id, ct) };
        }

        return events;
    }

    private static async Task<List<TicketTypeView>> TypesAsync(DbConnection connection, Guid eventId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, name, price, currency, capacity, capacity - held - sold, max_per_order
            FROM ticket_types WHERE event_id = @event ORDER BY position
            """;
        command.With("@event", eventId.ToString());
        var types = new List<TicketTypeView>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            types.Add(new TicketTypeView(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6)));
        }

        return types;
    }
}
