using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Consuming;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BoxOffice.Messaging.Tests.EventLog;

public sealed class RetainingEvents
{
    [Fact]
    public async Task Events_past_retention_are_deleted_only_once_every_consumer_has_applied_them()
    {
        using var dir = new TempDirectory("messaging");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero));
        var valve = new Valve();
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").WithRecorderDatabase("slow")
                .WithFullRecorder("alpha")
                .AddConsumer("slow", "slow", c => c.Handle<Counted, StuckRecordCounted>()),
            options: o => o.Retention = TimeSpan.FromDays(30),
            services: s => s.AddSingleton<TimeProvider>(time).AddSingleton(valve));
        var shop = host.Shop();
        await Shop.ProduceAsync(shop, 100, ct: TestContext.Current.CancellationToken);
        await valve.Reached.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(async () => await host.AppliedAsync("alpha", "alpha") == 100, "alpha applied everything");

        time.Advance(TimeSpan.FromDays(31));
        await Shop.ProduceAsync(shop, 10, ct: TestContext.Current.CancellationToken);
        await host.Runtime.SweepAsync(TestContext.Current.CancellationToken);
        (await Sql.LongAsync(shop, "SELECT COUNT(*) FROM event_log")).ShouldBe(110, "slow has not applied the old events yet");

        valve.Open();
        await host.CaughtUpAsync();
        await host.Runtime.SweepAsync(TestContext.Current.CancellationToken);
        (await Sql.RowsAsync(shop, "SELECT COUNT(*), MIN(seq), MAX(seq) FROM event_log")).ShouldBe(["10|101|110"]);

        // Sequence numbers are never reused, even after the old rows are gone.
        await Shop.ProduceAsync(shop, 5, ct: TestContext.Current.CancellationToken);
        (await Sql.RowsAsync(shop, "SELECT MIN(seq), MAX(seq) FROM event_log")).ShouldBe(["101|115"]);
        await host.CaughtUpAsync();
        (await host.AppliedAsync("slow", "slow")).ShouldBe(115);
    }
}
