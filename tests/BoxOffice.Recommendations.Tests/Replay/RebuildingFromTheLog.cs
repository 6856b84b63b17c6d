using System.Globalization;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Recommendations.Replay;
using BoxOffice.Recommendations.Tests.Support;
using static BoxOffice.Recommendations.Tests.Support.Market;

namespace BoxOffice.Recommendations.Tests.Replay;

/// <summary>Everything the module knows is derived from the tickets log: wiping it and replaying gives the same answers.</summary>
public sealed class RebuildingFromTheLog
{
    [Fact]
    public async Task Reset_to_the_beginning_rebuilds_identical_recommendations()
    {
        await using var world = await RecommendationsWorld.StartAsync();
        var buyers = await PublishMarketAsync(world);
        var before = await RecommendationsAsync(world, buyers);
        await using (var tx = await world.Database("recommendations").BeginAsync(TestContext.Current.CancellationToken))
        {
            // The hook alone, in a transaction rolled back afterwards: it leaves no derived row.
            await new ForgetEverything().ResetAsync("recommendations", ReplayFrom.Beginning, tx, TestContext.Current.CancellationToken);
            foreach (var table in (string[])["events", "event_performers", "purchases", "event_buyers"])
            {
                Convert.ToInt64(await tx.Command("SELECT COUNT(*) FROM " + table).ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture)
                    .ShouldBe(0, table);
            }
        }

        await world.Admin.ResetAsync("recommendations", ReplayFrom.Beginning, TestContext.Current.CancellationToken);
        await world.CaughtUpAsync();

        (await RecommendationsAsync(world, buyers)).ShouldBe(before);
        (await CountAsync(world, "SELECT COUNT(*) FROM purchases")).ShouldBe(PurchaseCount);
    }

    [Fact]
    public async Task Deleting_the_database_files_and_starting_again_rebuilds_identical_recommendations()
    {
        await using var world = await RecommendationsWorld.StartAsync();
        var buyers = await PublishMarketAsync(world);
        var before = await RecommendationsAsync(world, buyers);

        var deleted = 0;
        await world.RestartAsync(() =>
        {
            foreach (var file in Directory.GetFiles(world.DataDirectory, "recommendations.db*"))
            {
                File.Delete(file);
                deleted++;
            }
        });
        await world.CaughtUpAsync();

        deleted.ShouldBeGreaterThanOrEqualTo(1);
        (await RecommendationsAsync(world, buyers)).ShouldBe(before);
        (await CountAsync(world, "SELECT COUNT(*) FROM purchases")).ShouldBe(PurchaseCount);
    }

    [Fact]
    public async Task An_acquisition_seen_twice_is_counted_once()
    {
        await using var world = await RecommendationsWorld.StartAsync();
        var hamlet = Published("Hamlet", "theatre", "London", ["Northbank Players"], inDays: 14);
        var bought = Bought(Guid.NewGuid(), hamlet, quantity: 3);
        await world.PublishAsync(hamlet);
        await world.PublishAsync(bought, bought);
        await world.CaughtUpAsync();

        (await CountAsync(world, "SELECT COUNT(*) FROM purchases")).ShouldBe(1);
        (await CountAsync(world, "SELECT SUM(tickets) FROM event_buyers")).ShouldBe(3);
    }

    private const int Buyers = 24;
    private const int PurchaseCount = Buyers * 3;

    /// <summary>Eight events in three tastes, 24 buyers with three purchases each, from a fixed seed.</summary>
    private static async Task<List<Guid>> PublishMarketAsync(RecommendationsWorld world)
    {
        string[][] tastes = [["theatre", "London"], ["concert", "Lisbon"], ["sport", "Manchester"]];
        var events = Enumerable.Range(0, 8)
            .Select(i => Published($"Event {i}", tastes[i % 3][0], tastes[i % 3][1], [$"Performer {i % 4}"], inDays: 5 + i, minimumAge: i == 7 ? 18 : 0))
            .ToList();
        await world.PublishAsync([.. events]);

        var random = new Random(5);
        var buyers = Enumerable.Range(0, Buyers).Select(_ => Guid.CreateVersion7()).ToList();
        var purchases = new List<TicketsAcquired>();
        for (var b = 0; b < buyers.Count; b++)
        {
            var liked = events.Where((_, i) => i % 3 == b % 3 || random.Next(4) == 0).OrderBy(_ => random.Next()).Take(3).ToList();
            while (liked.Count < 3)
            {
                liked.Add(events.Except(liked).First());
            }

            purchases.AddRange(liked.Select(e => Bought(buyers[b], e, quantity: 1 + random.Next(3))));
        }

        // In several transactions, so the replay crosses batches of the log as the live run did.
        foreach (var chunk in purchases.Chunk(10))
        {
            await world.PublishAsync(chunk);
        }

        await world.CaughtUpAsync();
        return buyers;
    }

    private static async Task<List<string>> RecommendationsAsync(RecommendationsWorld world, List<Guid> buyers)
    {
        var answers = new List<string>();
        foreach (var buyer in buyers.Take(6).Append(Guid.NewGuid()))
        {
            var json = await world.RecommendationsJsonAsync(buyer);
            json.ShouldNotBe("[]");
            answers.Add(json);
        }

        return answers;
    }

    private static async Task<long> CountAsync(RecommendationsWorld world, string sql)
    {
        await using var connection = await world.Database("recommendations").OpenReadAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture);
    }
}
