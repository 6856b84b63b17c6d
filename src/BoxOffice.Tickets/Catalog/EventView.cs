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

        if (events.Count == 0)
        {
            return events;
        }

        // Every listed event's ticket types in one query, not one per event.
        var types = new Dictionary<Guid, List<TicketTypeView>>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                SELECT event_id, id, name, price, currency, capacity, capacity - held - sold, max_per_order
                FROM ticket_types
                WHERE event_id IN (SELECT id FROM events WHERE {where} ORDER BY starts_at, id LIMIT {limit})
                ORDER BY event_id, position
                """;
            foreach (var (name, value) in parameters)
            {
                command.With(name, value);
            }

            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var eventId = Guid.Parse(reader.GetString(0));
                if (!types.TryGetValue(eventId, out var list))
                {
                    types[eventId] = list = [];
                }

                list.Add(new TicketTypeView(Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                    reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7)));
            }
        }

        return [.. events.Select(e => e with { TicketTypes = types.GetValueOrDefault(e.Id) ?? [] })];
    }
}
