using BoxOffice.Host.Tests.Support;
using BoxOffice.Messaging.Storage;
using BoxOffice.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Host.Tests.Operating;

/// <summary>
/// <c>BoxOffice.Host invariants</c>: the invariant check as its own process, configured like the
/// host (its data folder or database server, the gateway's address), for a deployment where no
/// process reads every database. Exit 0 when every invariant holds, 1 naming what breaks, 2 when it
/// cannot read.
/// </summary>
public sealed class CheckingInvariantsFromTheCommandLine
{
    [Fact]
    public async Task On_a_healthy_data_folder_it_prints_every_invariant_holding_and_exits_0()
    {
        await using var app = await TestApp.StartAsync();
        var (_, type) = await app.CreateEventAsync(capacity: 20);
        using var organizer = await app.OrganizerAsync();
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 2);
        await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired");
        foreach (var consumer in new[] { "notifications", "loyalty", "recommendations" })
        {
            await TestApp.CaughtUpAsync(organizer, consumer);
        }

        // Caught up is not yet written everywhere: the e-mail of a feed entry is made by its own loop.
        var check = await Eventually.HoldsAsync(() => RunAsync(app), c => c.Holds, "the command finds every invariant holding", TimeSpan.FromSeconds(30));

        check.Report!["holds"]!.GetValue<bool>().ShouldBeTrue();
        check.Report["invariants"]!.AsArray().Count.ShouldBe(9);
        check.Report["invariants"]!.AsArray().ShouldAllBe(i => i!["holds"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_sold_counter_off_by_one_is_named_by_its_ticket_type_and_exits_1()
    {
        await using var app = await TestApp.StartAsync();
        var (_, type) = await app.CreateEventAsync(capacity: 20);
        using var buyer = await app.BuyerAsync();
        var id = await buyer.ReserveAcceptedAsync(type, 2);
        await buyer.UntilAsync(id, r => r.Status() == "Acquired", "the reservation is acquired");
        await Eventually.HoldsAsync(() => RunAsync(app), c => c.Holds, "every invariant holds before the tampering", TimeSpan.FromSeconds(30));

        var tickets = app.Services.GetRequiredKeyedService<ServiceDatabase>("tickets");
        await using (var tx = await tickets.BeginAsync(TestContext.Current.CancellationToken))
        {
            await tx.Command("UPDATE ticket_types SET sold = sold + 1 WHERE id = @id").With("@id", type.ToString()).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            await tx.CommitAsync(TestContext.Current.CancellationToken);
        }

        var check = await RunAsync(app);

        check.ExitCode.ShouldBe(1, check.ToString());
        check.Broken.Keys.ShouldBe(["stock"]);
        check.Broken["stock"].ShouldBe([$"{type}: capacity 20, held 0 (Pending 0), sold 3 (Acquired 2)"]);
    }

    [Fact]
    public async Task Pointed_at_a_folder_with_no_databases_it_says_so_and_exits_2()
    {
        StoreUnderTest.SkipUnlessSqlite("a missing SQLite file is the database that cannot be read here");
        using var empty = new TempDirectory("no-databases");
        var environment = Environment(empty.Path);
        environment["Payments__GatewayUrl"] = "http://127.0.0.1:9";

        var check = await InvariantCheck.RunAsync(HostDll, environment, 60, TestContext.Current.CancellationToken);

        check.ExitCode.ShouldBe(2, check.ToString());
        check.Report.ShouldBeNull();
        check.Error.ShouldContain("Cannot check the invariants");
        Directory.EnumerateFileSystemEntries(empty.Path).ShouldBeEmpty("a check only reads: it creates no database");
    }

    private static string HostDll => Path.Combine(AppContext.BaseDirectory, "BoxOffice.Host.dll");

    private static Task<InvariantCheck> RunAsync(TestApp app)
    {
        var environment = Environment(app.DataDirectory);
        environment["Payments__GatewayUrl"] = app.Services.GetRequiredService<IConfiguration>()["Payments:GatewayUrl"]!;
        return InvariantCheck.RunAsync(HostDll, environment, 60, TestContext.Current.CancellationToken);
    }

    // The host's storage settings (data folder, or server and prefix on PostgreSQL) as environment variables.
    private static Dictionary<string, string> Environment(string dataDirectory) =>
        TestStorage.Settings(dataDirectory).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "", StringComparer.Ordinal);
}
