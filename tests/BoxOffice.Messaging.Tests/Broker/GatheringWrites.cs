using System.Globalization;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Messaging.Tests.Broker;

/// <summary>
/// Reads the consumer's running tally, then writes the next one with <c>WriteAsync</c> (held back while
/// the consumer gathers writes): every read must see the writes held before it. The event keyed
/// "poison" also writes a row the schema refuses (a NULL type), a failure that only shows when the
/// held write is sent.
/// </summary>
internal sealed class TallyCounted : IEventHandler<Counted>
{
    public async ValueTask HandleAsync(Counted @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        var tally = Convert.ToInt64(
            await context.Command("SELECT COALESCE(MAX(count), 0) FROM totals WHERE consumer = @c").With("@c", context.Consumer).ExecuteScalarAsync(cancellationToken),
            CultureInfo.InvariantCulture) + 1;
        var batch = context.Transaction.Batch();
        batch.Add("INSERT INTO applied (consumer, seq, event_id, type, n, key) VALUES (@consumer, @seq, @event_id, @type, @n, @key)")
            .With("@consumer", context.Consumer).With("@seq", context.Sequence).With("@event_id", context.Envelope.EventId.ToString())
            .With("@type", context.Envelope.Type).With("@n", tally).With("@key", @event.Key);
        batch.Add("""
                INSERT INTO totals (consumer, count, sum) VALUES (@consumer, @tally, 0)
                ON CONFLICT (consumer) DO UPDATE SET count = excluded.count
                """)
            .With("@consumer", context.Consumer).With("@tally", tally);
        if (@event.Key == "poison")
        {
            batch.Add("INSERT INTO applied (consumer, seq, event_id, type) VALUES (@consumer, @seq, @event_id, NULL)")
                .With("@consumer", context.Consumer).With("@seq", context.Sequence).With("@event_id", context.Envelope.EventId.ToString());
        }

        await batch.WriteAsync(cancellationToken);
    }
}

/// <summary>
/// On PostgreSQL a consumer applying a batch of deliveries holds its handlers' writes and sends them
/// with the next read or the commit, one round trip for many: reads still see them, and a held write
/// that fails still dead-letters the event that wrote it, not the one whose read sent it.
/// </summary>
public sealed class GatheringWrites
{
    private static Task<TestHost> StartAsync(string path) =>
        TestHost.StartAsync(path,
            m => m.WithShop().WithRecorderDatabase("alpha").AddConsumer("tally", "alpha", c => c.Handle<Counted, TallyCounted>()),
            postgres: true,
            broker: ["shop", "tally"]);

    [Fact]
    public async Task A_write_held_back_is_read_by_the_next_statement_of_its_transaction_and_committed_with_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("gather");
        await using var host = await StartAsync(dir.Path);
        var alpha = host.Database("alpha");
        await using (var tx = await alpha.BeginAsync(ct))
        {
            tx.GathersWrites = true;
            tx.GathersWrites.ShouldBeTrue("PostgreSQL gathers writes");
            var batch = tx.Batch();
            batch.Add("INSERT INTO totals (consumer, count, sum) VALUES ('held', 1, 0)");
            await batch.WriteAsync(ct);
            tx.HoldsWrites.ShouldBeTrue("the write waits for the next round trip");
            (await tx.Command("SELECT count FROM totals WHERE consumer = 'held'").ExecuteScalarAsync(ct)).ShouldBe(1L);
            tx.HoldsWrites.ShouldBeFalse("the read sent it");
            batch.Add("UPDATE totals SET count = 2 WHERE consumer = 'held'");
            await batch.WriteAsync(ct);
            tx.HoldsWrites.ShouldBeTrue();
            await tx.CommitAsync(ct);
        }

        (await Sql.LongAsync(alpha, "SELECT count FROM totals WHERE consumer = 'held'")).ShouldBe(2, "the commit sent the last held write");
    }

    [Fact]
    public async Task On_SQLite_nothing_is_held_back()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("gather");
        await using var host = await TestHost.StartAsync(dir.Path, m => m.WithRecorderDatabase("alpha"), postgres: false);
        await using var tx = await host.Database("alpha").BeginAsync(ct);
        tx.GathersWrites = true;
        tx.GathersWrites.ShouldBeFalse("a statement costs no round trip in process");
        var batch = tx.Batch();
        batch.Add("INSERT INTO totals (consumer, count, sum) VALUES ('now', 1, 0)");
        await batch.WriteAsync(ct);
        tx.HoldsWrites.ShouldBeFalse();
    }

    [Fact]
    public async Task Each_handler_reads_the_writes_held_before_it_in_the_batch()
    {
        using var dir = new TempDirectory("gather");
        await using var host = await StartAsync(dir.Path);
        await Eventually.HoldsAsync(() => host.Runtime.Consumers.Single().Broker!.State, s => s == SubscriptionState.Running, "tally consumes its queue");

        for (var produced = 0; produced < 2_000; produced += 250)
        {
            await Shop.ProduceAsync(host.Shop(), 250, ct: TestContext.Current.CancellationToken);
        }

        await Eventually.HoldsAsync(() => host.TotalAsync("alpha", "tally"), n => n >= 2_000, "tally counted 2,000 events", TimeSpan.FromSeconds(60));
        await host.CaughtUpAsync();
        // Had a read missed a held write, two events would have written the same tally.
        (await Sql.RowsAsync(host.Database("alpha"), "SELECT COUNT(*), COUNT(DISTINCT n), MIN(n), MAX(n) FROM applied WHERE consumer = 'tally'"))
            .ShouldBe(["2000|2000|1|2000"]);
        (await host.TotalAsync("alpha", "tally")).ShouldBe(2_000);
    }

    [Fact]
    public async Task A_held_write_that_fails_dead_letters_the_event_that_wrote_it_and_the_rest_of_the_batch_is_applied()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("gather");
        await using var host = await StartAsync(dir.Path);
        await Eventually.HoldsAsync(() => host.Runtime.Consumers.Single().Broker!.State, s => s == SubscriptionState.Running, "tally consumes its queue");

        // One transaction of the shop's log: the consumer gets the five in one delivery batch.
        await using (var tx = await host.Shop().BeginAsync(ct))
        {
            for (var n = 1; n <= 5; n++)
            {
                tx.Publish(new Counted(n, n == 3 ? "poison" : $"k{n}"));
            }

            await tx.CommitAsync(ct);
        }

        var letter = (await Eventually.HoldsAsync(() => host.Admin.DeadLettersAsync("tally", ct: ct), l => l.Count == 1, "the poison is dead-lettered")).Single();
        await Eventually.HoldsAsync(() => host.TotalAsync("alpha", "tally"), n => n == 4, "the four others are counted");
        letter.Sequence.ShouldBe(3, "the event whose write failed, not the one whose read sent it");
        letter.Error.ShouldContain("null value in column \"type\"");
        (await Sql.RowsAsync(host.Database("alpha"), "SELECT string_agg(key, ',' ORDER BY n) FROM applied WHERE consumer = 'tally'"))
            .ShouldBe(["k1,k2,k4,k5"]);
    }
}
