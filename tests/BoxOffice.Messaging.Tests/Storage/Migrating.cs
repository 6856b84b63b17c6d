using BoxOffice.Messaging.Storage;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Messaging.Tests.Storage;

public sealed class Migrating
{
    [Fact]
    public async Task Each_migration_is_applied_once_and_recorded()
    {
        using var dir = new TempDirectory("messaging");
        await using (var first = await TestHost.StartAsync(dir.Path, m => m.WithShop()))
        {
            await Shop.ProduceAsync(first.Shop(), 5, ct: TestContext.Current.CancellationToken);
        }

        await using var second = await TestHost.StartAsync(dir.Path, m => m.WithShop());

        (await Sql.RowsAsync(second.Shop(), "SELECT scope, version FROM schema_migrations ORDER BY scope, version")).ShouldBe(["messaging|1", "messaging|2", "shop|1"]);
        (await Sql.LongAsync(second.Shop(), "SELECT count FROM produced")).ShouldBe(5);
        (await Sql.LongAsync(second.Shop(), "SELECT COUNT(*) FROM event_log")).ShouldBe(5);
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_trace_and_stops_the_start()
    {
        using var dir = new TempDirectory("messaging");
        var broken = new MigrationSet("broken", [new Migration(1, "half good", "CREATE TABLE half (id INTEGER); CREATE TABLE oops (;")]);

        await Should.ThrowAsync<Microsoft.Data.Sqlite.SqliteException>(() => TestHost.StartAsync(dir.Path, m => m.AddDatabase("broken", broken)));

        await using var fixedHost = await TestHost.StartAsync(dir.Path, m => m.AddDatabase("broken"));
        (await Sql.LongAsync(fixedHost.Database("broken"), "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'")).ShouldBe(0);
        (await Sql.RowsAsync(fixedHost.Database("broken"), "SELECT scope, version FROM schema_migrations ORDER BY version")).ShouldBe(["messaging|1", "messaging|2"]);
    }

    [Fact]
    public async Task Versions_must_increase()
    {
        using var dir = new TempDirectory("messaging");
        var unordered = new MigrationSet("unordered", [new Migration(2, "b", "SELECT 1"), new Migration(1, "a", "SELECT 1")]);

        (await Should.ThrowAsync<InvalidOperationException>(() => TestHost.StartAsync(dir.Path, m => m.AddDatabase("unordered", unordered))))
            .Message.ShouldContain("increasing versions");
    }

    [Fact]
    public async Task Databases_use_WAL_and_full_synchronous_commits_by_default()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path, m => m.WithShop());
        await using var tx = await host.Shop().BeginAsync(TestContext.Current.CancellationToken);

        (await Sql.RowsAsync(host.Shop(), "PRAGMA journal_mode")).ShouldBe(["wal"]);
        var synchronous = await tx.Command("PRAGMA synchronous").ExecuteScalarAsync(TestContext.Current.CancellationToken);
        synchronous.ShouldBe(2L); // FULL
    }
}
