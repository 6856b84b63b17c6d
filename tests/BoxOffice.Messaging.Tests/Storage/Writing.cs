using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Data.Sqlite;

namespace BoxOffice.Messaging.Tests.Storage;

public sealed class Writing
{
    [Fact]
    public async Task A_write_transaction_holds_the_write_lock_from_its_first_statement()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path, m => m.WithShop());
        await using var other = new SqliteConnection($"Data Source={host.Shop().Location};Pooling=False;Default Timeout=1");
        await other.OpenAsync(TestContext.Current.CancellationToken);
        await using (var noWait = other.CreateCommand())
        {
            noWait.CommandText = "PRAGMA busy_timeout = 0";
            await noWait.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using (await host.Shop().BeginAsync(TestContext.Current.CancellationToken))
        {
            // BEGIN IMMEDIATE: no statement has run yet, and another writer is already shut out.
            await using var begin = other.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            var refused = await Should.ThrowAsync<SqliteException>(() => begin.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
            refused.SqliteErrorCode.ShouldBe(5); // SQLITE_BUSY
        }

        await using var after = other.CreateCommand();
        after.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
        await after.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
