using System.Collections.Concurrent;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Broker;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Consuming;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace BoxOffice.Messaging.Tests.Broker;

/// <summary>The numbers a consumer's handler was handed, in the order it was handed them.</summary>
internal sealed class HandOrder
{
    public ConcurrentQueue<long> Numbers { get; } = new();
}

internal sealed class RecordCountedInOrder(HandOrder order) : IEventHandler<Counted>
{
    public async ValueTask HandleAsync(Counted @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        await Recorder.RecordAsync(context, @event.N, @event.Key, cancellationToken);
        order.Numbers.Enqueue(@event.N);
    }
}

public sealed class ConsumingFromTheBroker
{
    /// <summary>A producer and its consumer alpha in one process, on the broker.</summary>
    private static Task<TestHost> StartAsync(string path, Action<MessagingBuilder>? more = null, Action<IServiceCollection>? services = null,
        bool postgres = true, IDictionary<string, string?>? settings = null) =>
        TestHost.StartAsync(path,
            m =>
            {
                m.WithShop().WithRecorderDatabase("alpha");
                (more ?? (x => x.WithFullRecorder("alpha")))(m);
            },
            services: services,
            postgres: postgres,
            broker: ["shop", "alpha", "beta", "flaky", "parcels"],
            settings: settings);

    private static Task<List<string>> CountedAsync(TestHost host, string database, string consumer) =>
        Sql.RowsAsync(host.Database(database),
            $"SELECT COUNT(*), COUNT(DISTINCT n), COUNT(DISTINCT event_id) FROM applied WHERE consumer = '{consumer}' AND type = 'shop.counted.v1'");

    private static Task<long> AppliedAsync(TestHost host, string database, string consumer) =>
        Sql.LongAsync(host.Database(database), "SELECT COUNT(*) FROM applied WHERE consumer = @c", ("@c", consumer));

    private static async Task ProduceAsync(TestHost host, int total, int batch = 250)
    {
        for (var produced = 0; produced < total; produced += batch)
        {
            await Shop.ProduceAsync(host.Shop(), Math.Min(batch, total - produced), ct: TestContext.Current.CancellationToken);
        }
    }

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task A_consumer_applies_its_queue_in_delivery_order_in_batches_each_event_once(string store)
    {
        var postgres = store == "PostgreSQL";
        using var dir = new TempDirectory("broker");
        var order = new HandOrder();
        await using var host = await StartAsync(dir.Path,
            m => m.AddConsumer("alpha", "alpha", c => c.Handle<Counted, RecordCountedInOrder>()),
            s => s.AddSingleton(order), postgres: postgres);
        // Once its queue is bound everything arrives live, in log order (what was relayed before reaches a
        // new consumer by replay, and may come after later events).
        await Eventually.HoldsAsync(() => host.Runtime.Consumers.Single().Broker!.State, s => s == SubscriptionState.Running, "alpha consumes its queue");

        await ProduceAsync(host, 3_000);

        await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "alpha"), n => n >= 3_000, "alpha applied 3,000 events", TimeSpan.FromSeconds(60));
        await host.CaughtUpAsync();
        (await CountedAsync(host, "alpha", "alpha")).ShouldBe(["3000|3000|3000"]);
        var handed = order.Numbers.ToList();
        var jumps = Enumerable.Range(1, handed.Count - 1).Where(i => handed[i] != handed[i - 1] + 1).Select(i => $"{handed[i - 1]}→{handed[i]} at {i}").ToList();
        jumps.ShouldBeEmpty("one process applies its deliveries in order");
        handed.Count.ShouldBe(3_000);
        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(*) FROM inbox WHERE consumer = 'alpha'")).ShouldBe(3_000);
        var status = (await host.Admin.SubscriptionsAsync(TestContext.Current.CancellationToken)).Single(s => s.Consumer == "alpha");
        status.Queue.ShouldBe(StoreUnderTest.PrefixFor(dir.Path) + ".alpha");
        status.Applied.ShouldBe(3_000);
        status.Lag.ShouldBe(0);
    }

    [Fact]
    public async Task The_same_message_published_three_times_is_applied_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("broker");
        await using var host = await StartAsync(dir.Path);
        await ProduceAsync(host, 10);
        await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "alpha"), n => n == 10, "alpha applied the first ten");

        var envelope = new EventEnvelope(Guid.CreateVersion7(), "shop.counted.v1", DateTimeOffset.UtcNow, null, null, """{"n":1000,"key":"thrice"}""");
        var relayed = new RelayedEvent(new StoredEvent(1_000, envelope), null);
        await using (var connection = await BrokerUnderTest.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), ct))
        {
            for (var i = 0; i < 3; i++)
            {
                await channel.BasicPublishAsync(StoreUnderTest.PrefixFor(dir.Path) + ".events", "shop.counted.v1", true, BrokerMessage.Properties(relayed), BrokerMessage.Body(relayed), ct);
            }
        }

        await Eventually.HoldsAsync(async () => (await host.Admin.SubscriptionsAsync(ct)).Single(s => s.Consumer == "alpha").Applied, n => n >= 11, "alpha applied it");
        await host.CaughtUpAsync();
        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(*) FROM applied WHERE key = 'thrice'")).ShouldBe(1);
        (await host.TotalAsync("alpha", "alpha")).ShouldBe(11);
    }

    [Fact]
    public async Task A_poison_event_is_dead_lettered_while_the_others_flow_and_a_redrive_applies_it_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("broker");
        var faults = new Faults();
        faults.Poison[3] = true;
        await using var host = await StartAsync(dir.Path, m => m.AddConsumer("flaky", "alpha", c => c.Handle<Counted, FlakyRecordCounted>()),
            s => s.AddSingleton(faults));

        await ProduceAsync(host, 10);

        var letter = (await Eventually.HoldsAsync(() => host.Admin.DeadLettersAsync("flaky", ct: ct), l => l.Count == 1, "the poison is dead-lettered")).Single();
        await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "flaky"), n => n == 9, "the nine others are applied");
        letter.Sequence.ShouldBe(3);
        letter.Attempts.ShouldBe(5);
        letter.Error.ShouldContain("cannot apply 3");
        faults.Attempts[3].ShouldBe(5);

        faults.Poison.TryRemove(3, out _);
        (await host.Admin.RedriveAsync("flaky", letter.Id, ct)).Status.ShouldBe(RedriveStatus.Applied);
        (await host.Admin.RedriveAsync("flaky", letter.Id, ct)).Status.ShouldBe(RedriveStatus.AlreadyRedriven);
        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(*) FROM applied WHERE consumer = 'flaky' AND n = 3")).ShouldBe(1);
        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(*) FROM inbox WHERE consumer = 'flaky'")).ShouldBe(10);
    }

    [Fact]
    public async Task An_event_whose_write_finds_the_disk_full_waits_for_space_and_is_never_dead_lettered()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("broker");
        // Far more refusals than the attempts after which a failing event is dead-lettered (5).
        var disk = new FullDisk { RefusalsLeft = 12 };
        await using var host = await StartAsync(dir.Path, m => m.AddConsumer("waiting", "alpha", c => c.Handle<Counted, RecordCountedOnAFullDisk>()),
            s => s.AddSingleton(disk));

        await ProduceAsync(host, 10);

        await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "waiting"), n => n == 10, "all ten are applied once there is space");
        (await host.Admin.DeadLettersAsync("waiting", ct: ct)).ShouldBeEmpty();
        disk.Attempts[3].ShouldBe(13);
        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(*) FROM applied WHERE consumer = 'waiting' AND n = 3")).ShouldBe(1);
    }

    [Fact]
    public async Task A_message_the_broker_dead_letters_after_its_delivery_limit_joins_the_dead_letters_and_can_be_redriven()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("broker");
        await using var host = await StartAsync(dir.Path);
        await ProduceAsync(host, 1);
        await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "alpha"), n => n == 1, "alpha runs");

        // What the quorum queue does to a message delivered x-delivery-limit times without an ack.
        var envelope = new EventEnvelope(Guid.CreateVersion7(), "shop.counted.v1", DateTimeOffset.UtcNow, null, null, """{"n":77,"key":"crash-loop"}""");
        var relayed = new RelayedEvent(new StoredEvent(77, envelope), null);
        await using (var connection = await BrokerUnderTest.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), ct))
        {
            await channel.BasicPublishAsync(StoreUnderTest.PrefixFor(dir.Path) + ".dead-letters", "alpha", true, BrokerMessage.Properties(relayed), BrokerMessage.Body(relayed), ct);
        }

        var letter = (await Eventually.HoldsAsync(() => host.Admin.DeadLettersAsync("alpha", ct: ct), l => l.Count == 1, "the broker's dead letter is moved")).Single();
        letter.EventId.ShouldBe(envelope.EventId);
        letter.Error.ShouldContain("exceeded the delivery limit");
        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(*) FROM applied WHERE key = 'crash-loop'")).ShouldBe(0);

        (await host.Admin.RedriveAsync("alpha", letter.Id, ct)).Status.ShouldBe(RedriveStatus.Applied);
        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(*) FROM applied WHERE key = 'crash-loop'")).ShouldBe(1);
    }

    [Fact]
    public async Task Dropping_the_broker_connections_mid_run_loses_nothing_and_applies_nothing_twice()
    {
        using var dir = new TempDirectory("broker");
        await using var host = await StartAsync(dir.Path, settings: new Dictionary<string, string?> { ["Messaging:BatchSize"] = "100" });
        var broker = host.Runtime.Broker!;

        for (var round = 0; round < 4; round++)
        {
            await ProduceAsync(host, 1_000, batch: 100);
            await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "alpha"), n => n > (round * 1_000) + 100, "alpha is consuming");
            await broker.AbortAsync();
        }

        await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "alpha"), n => n >= 4_000, "alpha applied everything", TimeSpan.FromSeconds(90));
        await host.CaughtUpAsync(TimeSpan.FromSeconds(30));
        (await CountedAsync(host, "alpha", "alpha")).ShouldBe(["4000|4000|4000"]);
        (await host.TotalAsync("alpha", "alpha")).ShouldBe(4_000);
    }

    [Fact]
    public async Task When_the_broker_closes_every_connection_mid_run_relay_and_consumer_come_back_and_nothing_is_lost_or_applied_twice()
    {
        using var dir = new TempDirectory("broker");
        await using var host = await StartAsync(dir.Path, settings: new Dictionary<string, string?> { ["Messaging:BatchSize"] = "100" });
        var prefix = StoreUnderTest.PrefixFor(dir.Path);

        for (var round = 0; round < 3; round++)
        {
            await ProduceAsync(host, 1_000, batch: 100);
            await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "alpha"), n => n > (round * 1_000) + 100, "alpha is consuming");
            (await BrokerUnderTest.CloseConnectionsAsync(prefix + " ")).ShouldBeGreaterThan(0, "the host's connections were open");
        }

        await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "alpha"), n => n >= 3_000, "alpha applied everything", TimeSpan.FromSeconds(90));
        await host.CaughtUpAsync(TimeSpan.FromSeconds(30));
        (await CountedAsync(host, "alpha", "alpha")).ShouldBe(["3000|3000|3000"]);
        (await host.TotalAsync("alpha", "alpha")).ShouldBe(3_000);
    }

    [Fact]
    public async Task Two_processes_consuming_one_queue_apply_each_event_once_between_them()
    {
        using var dir = new TempDirectory("broker");
        var settings = new Dictionary<string, string?> { ["Messaging:BatchSize"] = "50" };
        await using var producer = await TestHost.StartAsync(dir.Path, m => m.WithShop(), postgres: true, broker: ["shop", "alpha"], settings: settings);
        await using var one = await TestHost.StartAsync(dir.Path, m => m.WithRecorderDatabase("alpha").WithFullRecorder("alpha"), postgres: true, broker: ["alpha"], settings: settings);
        await using var two = await TestHost.StartAsync(dir.Path, m => m.WithRecorderDatabase("alpha").WithFullRecorder("alpha"), postgres: true, broker: ["alpha"], settings: settings);

        await ProduceAsync(producer, 4_000, batch: 100);

        await Eventually.HoldsAsync(() => AppliedAsync(one, "alpha", "alpha"), n => n >= 4_000, "the two applied everything", TimeSpan.FromSeconds(90));
        await one.CaughtUpAsync();
        (await CountedAsync(one, "alpha", "alpha")).ShouldBe(["4000|4000|4000"]);
        var applied = new[] { one, two }.Select(h => h.Runtime.Consumers.Single().Broker!.Applied).ToArray();
        applied.Sum().ShouldBe(4_000);
        applied.ShouldAllBe(n => n > 0, "both competed for the queue");
    }
}
