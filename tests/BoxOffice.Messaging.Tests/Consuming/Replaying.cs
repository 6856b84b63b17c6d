using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BoxOffice.Messaging.Tests.Consuming;

/// <summary>Counts how many times events were handed to a handler, across replays.</summary>
internal sealed class Deliveries
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);
}

internal sealed class CountingRecordCounted(Deliveries deliveries) : IEventHandler<Counted>
{
    public ValueTask HandleAsync(Counted @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        deliveries.Add();
        return Recorder.RecordAsync(context, @event.N, @event.Key, cancellationToken);
    }
}

public sealed class Replaying
{
    private const string AppliedRows = "SELECT consumer, seq, event_id, type, n, key FROM applied ORDER BY seq";

    [Fact]
    public async Task Resetting_to_the_beginning_rebuilds_state_equal_to_the_original()
    {
        using var dir = new TempDirectory("messaging");
        var deliveries = new Deliveries();
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha")
                .AddConsumer("alpha", "alpha", c => c.Handle<Counted, CountingRecordCounted>().Handle<Noted, RecordNoted>().OnReset<ForgetRecorded>()),
            services: s => s.AddSingleton(deliveries));
        for (var i = 0; i < 5; i++)
        {
            await Shop.ProduceAsync(host.Shop(), 100, noteEvery: 7, ct: TestContext.Current.CancellationToken);
        }

        await host.CaughtUpAsync();
        var original = await Sql.RowsAsync(host.Database("alpha"), AppliedRows);
        var originalTotal = await host.TotalAsync("alpha", "alpha");
        deliveries.Count.ShouldBe(500);

        await host.Admin.ResetAsync("alpha", ReplayFrom.Beginning, TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(() => Task.FromResult(deliveries.Count == 1000), "every event was delivered again");
        await host.CaughtUpAsync();

        original.Count.ShouldBe(571);
        (await Sql.RowsAsync(host.Database("alpha"), AppliedRows)).ShouldBe(original);
        (await host.TotalAsync("alpha", "alpha")).ShouldBe(originalTotal);
    }

    [Fact]
    public async Task Resetting_to_a_sequence_number_delivers_that_event_and_the_ones_after_it_again()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("beta").AddConsumer("beta", "beta", c => c.Handle<Counted, RecordCounted>()));
        await Shop.ProduceAsync(host.Shop(), 500, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();

        await host.Admin.ResetAsync("beta", ReplayFrom.Sequence("shop", 401), TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(async () => await host.AppliedAsync("beta", "beta") == 600, "events 401 to 500 were applied again");
        await host.CaughtUpAsync();

        // No reset hook: the consumer's state shows the re-delivery, and nothing else.
        (await Sql.LongAsync(host.Database("beta"), "SELECT COUNT(*) FROM applied WHERE n <= 400")).ShouldBe(400);
        (await Sql.LongAsync(host.Database("beta"), "SELECT COUNT(*) FROM applied WHERE n > 400")).ShouldBe(200);
        (await Sql.LongAsync(host.Database("beta"), "SELECT MIN(seq) FROM applied WHERE n > 400 GROUP BY n HAVING COUNT(*) = 2 ORDER BY 1 LIMIT 1")).ShouldBe(401);
    }

    [Fact]
    public async Task Resetting_to_a_time_delivers_the_events_from_that_time_on_again()
    {
        using var dir = new TempDirectory("messaging");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("beta").AddConsumer("beta", "beta", c => c.Handle<Counted, RecordCounted>()),
            services: s => s.AddSingleton<TimeProvider>(time));
        await Shop.ProduceAsync(host.Shop(), 30, ct: TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(1));
        var later = time.GetUtcNow();
        await Shop.ProduceAsync(host.Shop(), 20, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();

        await host.Admin.ResetAsync("beta", ReplayFrom.Time(later), TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(async () => await host.AppliedAsync("beta", "beta") == 70, "the 20 later events were applied again");

        (await Sql.LongAsync(host.Database("beta"), "SELECT COUNT(*) FROM applied WHERE n > 30")).ShouldBe(40);
        (await Sql.LongAsync(host.Database("beta"), "SELECT COUNT(*) FROM applied WHERE n <= 30")).ShouldBe(30);
    }

    [Fact]
    public async Task A_consumer_added_later_is_built_from_the_stored_events()
    {
        using var dir = new TempDirectory("messaging");
        await using (var before = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").WithFullRecorder("alpha")))
        {
            await Shop.ProduceAsync(before.Shop(), 300, noteEvery: 10, ct: TestContext.Current.CancellationToken);
            await before.CaughtUpAsync();
        }

        await using var after = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").WithFullRecorder("alpha")
                .WithRecorderDatabase("late").WithFullRecorder("late")
                .WithRecorderDatabase("fresh").AddConsumer("fresh", "fresh", c => c.Handle<Counted, RecordCounted>().StartAt(StartPosition.End)));
        await after.CaughtUpAsync();
        (await after.AppliedAsync("late", "late")).ShouldBe(300);
        (await after.TotalAsync("late", "late")).ShouldBe(330);
        (await after.AppliedAsync("fresh", "fresh")).ShouldBe(0);

        await Shop.ProduceAsync(after.Shop(), 5, ct: TestContext.Current.CancellationToken);
        await after.CaughtUpAsync();
        (await after.AppliedAsync("fresh", "fresh")).ShouldBe(5);
        (await Sql.RowsAsync(after.Database("fresh"), "SELECT n FROM applied ORDER BY n")).ShouldBe(["301", "302", "303", "304", "305"]);
        (await after.AppliedAsync("alpha", "alpha")).ShouldBe(305);
    }

    [Fact]
    public async Task Resetting_to_a_source_the_consumer_does_not_read_is_refused()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("beta").AddConsumer("beta", "beta", c => c.Handle<Counted, RecordCounted>()));

        await Should.ThrowAsync<ArgumentException>(() => host.Admin.ResetAsync("beta", ReplayFrom.Sequence("tickets", 1), TestContext.Current.CancellationToken));
    }
}
