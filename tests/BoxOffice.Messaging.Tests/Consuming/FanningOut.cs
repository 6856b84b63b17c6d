using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Messaging.Tests.Consuming;

public sealed class FanningOut
{
    [Fact]
    public async Task Every_consumer_applies_every_event_of_its_types_exactly_once()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path, m => m
            .WithShop().WithRecorderDatabase("alpha").WithRecorderDatabase("beta")
            .WithFullRecorder("alpha")
            .AddConsumer("beta", "beta", c => c.Handle<Counted, RecordCounted>()));

        for (var i = 0; i < 10; i++)
        {
            await Shop.ProduceAsync(host.Shop(), 100, noteEvery: 10, ct: TestContext.Current.CancellationToken);
        }

        await host.CaughtUpAsync();

        (await host.AppliedAsync("alpha", "alpha")).ShouldBe(1000);
        (await host.AppliedAsync("alpha", "alpha", "shop.noted.v1")).ShouldBe(100);
        (await host.AppliedAsync("beta", "beta")).ShouldBe(1000);
        (await Sql.LongAsync(host.Database("beta"), "SELECT COUNT(DISTINCT n) FROM applied")).ShouldBe(1000);
        (await Sql.LongAsync(host.Database("beta"), "SELECT SUM(n) FROM applied")).ShouldBe(500_500);
        (await host.TotalAsync("alpha", "alpha")).ShouldBe(1100);
        (await host.TotalAsync("beta", "beta")).ShouldBe(1000);
    }

    [Fact]
    public async Task A_consumer_sees_only_the_types_it_handles()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path, m => m
            .WithShop().WithRecorderDatabase("beta")
            .AddConsumer("beta", "beta", c => c.Handle<Counted, RecordCounted>()));

        await Shop.ProduceAsync(host.Shop(), 50, noteEvery: 5, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();

        (await Sql.RowsAsync(host.Database("beta"), "SELECT DISTINCT type FROM applied")).ShouldBe(["shop.counted.v1"]);
        (await host.AppliedAsync("beta", "beta")).ShouldBe(50);
    }

    [Fact]
    public async Task Consumers_sharing_a_database_still_get_their_own_copy()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path, m => m
            .WithShop().WithRecorderDatabase("shared")
            .WithFullRecorder("alpha", "shared")
            .WithFullRecorder("beta", "shared"));

        await Shop.ProduceAsync(host.Shop(), 300, noteEvery: 3, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();

        (await host.AppliedAsync("shared", "alpha")).ShouldBe(300);
        (await host.AppliedAsync("shared", "beta")).ShouldBe(300);
        (await host.TotalAsync("shared", "alpha")).ShouldBe(400);
        (await host.TotalAsync("shared", "beta")).ShouldBe(400);
    }
}
