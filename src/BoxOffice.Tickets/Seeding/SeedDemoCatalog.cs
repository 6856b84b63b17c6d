using System.Globalization;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Catalog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Tickets.Seeding;

/// <summary>
/// On the first start (no events yet), puts a demo catalog on sale: events across categories,
/// cities and performers, some age-restricted, all owned by the demo organizer — and only when the
/// demo organizer is seeded (an organizer password is configured), so no catalog belongs to nobody.
/// </summary>
internal sealed partial class SeedDemoCatalog(
    [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<SeedDemoCatalog> logger) : IHostedService
{
    private static readonly (string Name, string Venue, string City, string Category, string[] Performers, int Days, int Hour, int MinimumAge, (string Name, long Price, int Capacity, int Max)[] Types)[] Catalog =
    [
        ("Northern Lights Tour", "Arena Nord", "Oslo", "concert", ["Aurora Skies"], 21, 20, 0, [("Standing", 6_500, 2_000, 6), ("Seated", 9_800, 800, 6)]),
        ("Midnight Jazz Session", "Blue Cellar", "Lisbon", "concert", ["The Late Quartet", "Ana Sol"], 9, 22, 18, [("Table", 4_500, 120, 4)]),
        ("Hamlet", "Royal Court Theatre", "London", "theatre", ["Northbank Players"], 14, 19, 0, [("Stalls", 5_500, 400, 8), ("Balcony", 3_200, 250, 8)]),
        ("City Derby", "Old Park Stadium", "Manchester", "sport", ["United Reds", "City Blues"], 30, 15, 0, [("Home end", 4_000, 5_000, 4), ("Away end", 4_000, 1_500, 4)]),
        ("Stand-up Late Show", "Laugh Factory", "Berlin", "comedy", ["Mia Kruger", "Tom Field"], 7, 21, 18, [("General", 2_500, 300, 6)]),
        ("Symphony No. 9", "Konzerthaus", "Vienna", "classical", ["Vienna Philharmonic Youth"], 45, 19, 0, [("Parterre", 8_900, 600, 10), ("Gallery", 3_900, 300, 10)]),
        ("Electric Forest", "Docklands Warehouse", "Amsterdam", "festival", ["DJ Nova", "Pulse Theory", "Aurora Skies"], 60, 14, 18, [("Day pass", 7_900, 3_000, 4), ("VIP", 19_900, 200, 2)]),
        ("Swan Lake", "Opera House", "Paris", "dance", ["Ballet de la Ville"], 25, 20, 0, [("Orchestra", 9_500, 500, 6)]),
        ("Indie Rooftop Night", "Skyline Roof", "Lisbon", "concert", ["Ana Sol", "Paper Boats"], 12, 21, 0, [("Standing", 3_000, 250, 6)]),
        ("Basketball Finals", "Palau Arena", "Barcelona", "sport", ["Barcelona Bay", "Madrid Kings"], 18, 19, 0, [("Courtside", 25_000, 60, 2), ("Tier 2", 6_000, 4_000, 8)]),
        ("Wine & Stories", "Cellar 12", "Vienna", "talk", ["Tom Field"], 5, 19, 18, [("Seat", 3_500, 80, 4)]),
        ("Family Magic Show", "Little Stage", "Berlin", "family", ["The Great Marvelo"], 10, 11, 0, [("Adult", 1_800, 200, 8), ("Child", 900, 200, 8)]),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!DemoData.SeedsOrganizer(configuration))
        {
            return;
        }

        await using var tx = await tickets.BeginAsync(cancellationToken);
        if (Convert.ToInt64(await tx.Command("SELECT COUNT(*) FROM events").ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        foreach (var e in Catalog)
        {
            var body = new CreateEventBody(e.Name, e.Venue, e.City, e.Category, e.Performers, today.AddDays(e.Days).AddHours(e.Hour), e.MinimumAge,
                $"{e.Name} at {e.Venue}, {e.City}.",
                [.. e.Types.Select(t => new TicketTypeBody(t.Name, t.Price, "EUR", t.Capacity, t.Max))]);
            await CreateEvent.InsertAsync(tx, DemoData.OrganizerId, body, now, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        LogSeeded(Catalog.Length);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the demo catalog: {Count} events")]
    private partial void LogSeeded(int count);
}
