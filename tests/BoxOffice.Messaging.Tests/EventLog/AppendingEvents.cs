using BoxOffice.Contracts;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BoxOffice.Testing;

namespace BoxOffice.Messaging.Tests.EventLog;

/// <summary>An event of the alpha service, published while alpha handles a shop event.</summary>
internal sealed record Echoed(long N) : IEvent<Echoed>
{
    public static string WireName => "alpha.echoed.v1";

    public static JsonTypeInfo<Echoed> JsonTypeInfo => EchoJson.Default.Echoed;
}

[JsonSerializable(typeof(Echoed))]
internal sealed partial class EchoJson : JsonSerializerContext;

internal sealed class EchoCounted : IEventHandler<Counted>
{
    public ValueTask HandleAsync(Counted @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        context.Publish(new Echoed(@event.N));
        return ValueTask.CompletedTask;
    }
}

public sealed class AppendingEvents
{
    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task Sequence_numbers_are_gap_free_and_in_commit_order_under_concurrent_writers_and_rollbacks(string store)
    {
        var postgres = store == "PostgreSQL";
        StoreUnderTest.RequireServer(postgres);
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path, m => m.WithShop(), postgres: postgres);
        var shop = host.Shop();

        var committed = 0;
        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            await using var tx = await shop.BeginAsync(ct);
            for (var k = 0; k < 5; k++)
            {
                tx.Publish(new Noted($"writer {i} event {k}"));
            }

            // Every third transaction rolls back: it must take no sequence numbers with it.
            if (i % 3 != 0)
            {
                await tx.CommitAsync(ct);
                Interlocked.Add(ref committed, 5);
            }
        });

        committed.ShouldBe(665);
        (await Sql.LongAsync(shop, "SELECT COUNT(*) FROM event_log")).ShouldBe(665);
        (await Sql.LongAsync(shop, "SELECT MIN(seq) FROM event_log")).ShouldBe(1);
        (await Sql.LongAsync(shop, "SELECT MAX(seq) FROM event_log")).ShouldBe(665);
        (await Sql.LongAsync(shop, "SELECT last_seq FROM event_log_head")).ShouldBe(665);

        // The five events of one transaction are contiguous.
        var writers = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        await using (var connection = await shop.OpenReadAsync(TestContext.Current.CancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT seq, payload FROM event_log";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                var payload = reader.GetString(1);
                var writer = payload[..payload.IndexOf(" event", StringComparison.Ordinal)];
                (writers.TryGetValue(writer, out var seqs) ? seqs : writers[writer] = []).Add(reader.GetInt64(0));
            }
        }

        writers.Count.ShouldBe(133);
        writers.Values.ShouldAllBe(seqs => seqs.Max() - seqs.Min() == 4);
    }

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task A_writer_that_commits_and_the_next_one_that_begins_at_once_never_share_a_transaction(string store)
    {
        // Two writers back to back on one database, thousands of times: the first one's end (commit
        // or rollback, then dispose) must never touch the transaction the second has begun.
        var postgres = store == "PostgreSQL";
        StoreUnderTest.RequireServer(postgres);
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path, m => m.WithShop(), postgres: postgres);
        var shop = host.Shop();

        var committed = 0;
        await Parallel.ForAsync(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            await using var tx = await shop.BeginAsync(ct);
            tx.Publish(new Noted($"writer {i}"));
            if (i % 5 != 0)
            {
                await tx.CommitAsync(ct);
                Interlocked.Increment(ref committed);
            }
        });

        committed.ShouldBe(1_600);
        (await Sql.LongAsync(shop, "SELECT COUNT(*) FROM event_log")).ShouldBe(1_600);
        (await Sql.LongAsync(shop, "SELECT last_seq FROM event_log_head")).ShouldBe(1_600);
    }

    [Fact]
    public async Task A_rolled_back_transaction_publishes_nothing()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path, m => m.WithShop().WithRecorderDatabase("alpha").WithFullRecorder("alpha"));

        await using (var tx = await host.Shop().BeginAsync(TestContext.Current.CancellationToken))
        {
            tx.Publish(new Noted("never"));
        }

        await Shop.ProduceAsync(host.Shop(), 1, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();
        (await Sql.RowsAsync(host.Shop(), "SELECT seq, type FROM event_log")).ShouldBe(["1|shop.counted.v1"]);
        (await Sql.RowsAsync(host.Database("alpha"), "SELECT type FROM applied")).ShouldBe(["shop.counted.v1"]);
    }

    [Fact]
    public async Task A_service_cannot_publish_another_services_event()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path, m => m.WithShop().WithRecorderDatabase("alpha"));
        await using var tx = await host.Database("alpha").BeginAsync(TestContext.Current.CancellationToken);

        Should.Throw<InvalidOperationException>(() => tx.Publish(new Noted("not alpha's"))).Message.ShouldContain("shop.noted.v1");
    }

    [Fact]
    public async Task Events_published_by_a_handler_carry_the_correlation_and_the_causing_event()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").AddConsumer("echo", "alpha", c => c.Handle<Counted, EchoCounted>()));

        await Shop.ProduceAsync(host.Shop(), 3, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();
        await Eventually.HoldsAsync(async () => await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(*) FROM event_log") == 3, "three echoes are in alpha's log");

        var shopEvents = await Sql.RowsAsync(host.Shop(), "SELECT event_id, correlation_id FROM event_log ORDER BY seq");
        var echoes = await Sql.RowsAsync(host.Database("alpha"), "SELECT causation_id, correlation_id FROM event_log ORDER BY seq");
        echoes.ShouldBe(shopEvents);
        var ids = await Sql.RowsAsync(host.Database("alpha"), "SELECT event_id FROM event_log ORDER BY seq");
        ids.Select(id => Guid.Parse(id).Version).ShouldAllBe(v => v == 7);
        // UUID v7 orders by millisecond (its first 48 bits); within one millisecond the log's seq orders.
        var milliseconds = ids.Select(id => id[..13]).ToList();
        milliseconds.ShouldBe(milliseconds.Order(StringComparer.Ordinal).ToList());
        (await Sql.RowsAsync(host.Database("alpha"), "SELECT type, payload FROM event_log ORDER BY seq")).ShouldBe(
            ["alpha.echoed.v1|{\"N\":1}", "alpha.echoed.v1|{\"N\":2}", "alpha.echoed.v1|{\"N\":3}"]);
    }
}
