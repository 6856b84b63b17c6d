using BoxOffice.Messaging.Broker;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Storage;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Consuming;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Messaging.Tests.Broker;

public sealed class ReplayingOverTheBroker
{
    private static readonly string[] Services = ["shop", "alpha", "beta", "parcels"];

    private static Task<long> AppliedAsync(TestHost host, string database, string consumer) =>
        Sql.LongAsync(host.Database(database), "SELECT COUNT(*) FROM applied WHERE consumer = @c", ("@c", consumer));

    [Fact]
    public async Task A_reset_replays_the_log_to_that_consumers_queue_only()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("broker");
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").WithRecorderDatabase("beta").WithFullRecorder("alpha").WithFullRecorder("beta"),
            postgres: true, broker: Services);
        await Shop.ProduceAsync(host.Shop(), 500, noteEvery: 10, ct: ct);
        await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "alpha"), n => n == 550, "alpha applied everything");
        await Eventually.HoldsAsync(() => AppliedAsync(host, "beta", "beta"), n => n == 550, "beta applied everything");
        await host.CaughtUpAsync();
        var betaBefore = host.Runtime.Consumers.Single(c => c.Name == "beta").Broker!.Applied;

        await host.Admin.ResetAsync("alpha", ReplayFrom.Beginning, ct);

        (await AppliedAsync(host, "alpha", "alpha")).ShouldBeLessThan(550, "the reset cleared alpha's state");
        await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "alpha"), n => n >= 550, "alpha rebuilt from the replay");
        await host.CaughtUpAsync();
        (await Sql.RowsAsync(host.Database("alpha"), "SELECT COUNT(*), COUNT(DISTINCT event_id) FROM applied WHERE consumer = 'alpha'")).ShouldBe(["550|550"]);
        (await host.TotalAsync("alpha", "alpha")).ShouldBe(550);
        (await AppliedAsync(host, "beta", "beta")).ShouldBe(550, "beta never saw the replay");
        host.Runtime.Consumers.Single(c => c.Name == "beta").Broker!.Applied.ShouldBe(betaBefore);
    }

    [Fact]
    public async Task A_reset_to_a_sequence_number_replays_that_event_and_the_ones_after_it_into_the_queue()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("broker");
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("beta").AddConsumer("beta", "beta", c => c.Handle<Counted, RecordCounted>()),
            postgres: true, broker: Services);
        await Shop.ProduceAsync(host.Shop(), 500, ct: ct);
        await Eventually.HoldsAsync(() => AppliedAsync(host, "beta", "beta"), n => n == 500, "beta applied everything");

        await host.Admin.ResetAsync("beta", ReplayFrom.Sequence("shop", 401), ct);
        await Should.ThrowAsync<ArgumentException>(() => host.Admin.ResetAsync("beta", ReplayFrom.Sequence("tickets", 1), ct));

        await Eventually.HoldsAsync(() => AppliedAsync(host, "beta", "beta"), n => n >= 600, "events 401 to 500 were applied again");
        await host.CaughtUpAsync();
        // No reset hook: the consumer's state shows the re-delivery of exactly those, once each.
        (await Sql.LongAsync(host.Database("beta"), "SELECT COUNT(*) FROM applied WHERE n <= 400")).ShouldBe(400);
        (await Sql.LongAsync(host.Database("beta"), "SELECT COUNT(*) FROM applied WHERE n > 400")).ShouldBe(200);
    }

    [Fact]
    public async Task A_consumer_deployed_after_its_producer_is_built_from_the_log()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("broker");
        await using var producer = await TestHost.StartAsync(dir.Path, m => m.WithShop(), postgres: true, broker: Services);
        await Shop.ProduceAsync(producer.Shop(), 300, ct: ct);
        await Eventually.HoldsAsync(async () => (await RelayStore.StateAsync(producer.Shop(), ct)).Position, p => p == 300, "the log is relayed before any consumer exists");

        await using var consumer = await TestHost.StartAsync(dir.Path, m => m.WithRecorderDatabase("alpha").WithFullRecorder("alpha"), postgres: true, broker: Services);
        await Shop.ProduceAsync(producer.Shop(), 100, ct: ct);

        await Eventually.HoldsAsync(() => AppliedAsync(consumer, "alpha", "alpha"), n => n >= 400, "alpha has the history and the new events");
        await consumer.CaughtUpAsync();
        (await Sql.RowsAsync(consumer.Database("alpha"), "SELECT COUNT(*), COUNT(DISTINCT n) FROM applied WHERE consumer = 'alpha'")).ShouldBe(["400|400"]);
    }

    [Fact]
    public async Task Old_versions_are_upcast_over_the_broker_and_the_handler_gets_only_the_latest()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("broker");
        await using var host = await TestHost.StartAsync(dir.Path,
            m =>
            {
                m.WithShop().WithRecorderDatabase("alpha").AddConsumer("parcels", "alpha", c => c.Handle<Parcel, RecordParcel>());
                m.AddUpcaster<ParcelV1, ParcelV2, HideSecret>()
                    .AddUpcaster("shop.parcel.v2", "shop.parcel.v3", json => json.Replace("}", ",\"note\":\"upcast from v2\"}", StringComparison.Ordinal));
            },
            services: s => s.AddSingleton(new Faults()), postgres: true, broker: Services);

        await using (var tx = await host.Shop().BeginAsync(ct))
        {
            tx.Publish(new ParcelV1(1, "s3cr3t"));
            tx.Publish(new Counted(100, "other type"));
            tx.Publish(new ParcelV2(2, "hidden-2"));
            tx.Publish(new Parcel(3, "hidden-3", "current"));
            await tx.CommitAsync(ct);
        }

        await Eventually.HoldsAsync(() => AppliedAsync(host, "alpha", "parcels"), n => n == 3, "the three parcels arrived");
        (await Sql.RowsAsync(host.Database("alpha"), "SELECT n, type, key FROM applied WHERE consumer = 'parcels' ORDER BY n")).ShouldBe(
        [
            """1|shop.parcel.v3|{"n":1,"hidden":"hidden-1","note":"upcast from v2"}""",
            """2|shop.parcel.v3|{"n":2,"hidden":"hidden-2","note":"upcast from v2"}""",
            """3|shop.parcel.v3|{"n":3,"hidden":"hidden-3","note":"current"}""",
        ]);
    }

    [Fact]
    public async Task Retention_deletes_only_what_the_relay_has_published()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("broker");
        await using var host = await TestHost.StartAsync(dir.Path, m => m.WithShop(), postgres: true, broker: Services,
            settings: new Dictionary<string, string?> { ["Messaging:Retention"] = "00:00:01" });
        var shop = host.Shop();
        // Another process holds the relay's lease: nothing is published.
        await using (var tx = await shop.BeginAsync(ct))
        {
            await tx.Command("UPDATE relay_state SET owner = 'elsewhere', lease_until = @until WHERE id = 1")
                .With("@until", DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds()).ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }

        await Shop.ProduceAsync(shop, 50, ct: ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct); // past the one-second retention
        await host.Runtime.SweepAsync(ct);
        (await Sql.LongAsync(shop, "SELECT COUNT(*) FROM event_log")).ShouldBe(50, "nothing was relayed, nothing is deleted");

        await using (var tx = await shop.BeginAsync(ct))
        {
            await tx.Command("UPDATE relay_state SET lease_until = 0 WHERE id = 1").ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }

        await Eventually.HoldsAsync(async () => (await RelayStore.StateAsync(shop, ct)).Position, p => p == 50, "the relay took over and published");
        await host.Runtime.SweepAsync(ct);
        (await Sql.LongAsync(shop, "SELECT COUNT(*) FROM event_log")).ShouldBe(0);
    }
}
