using System.Diagnostics;
using BoxOffice.Messaging.Broker;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Messaging.Tests.Broker;

public sealed class RelayingEvents
{
    private static Task<TestHost> StartAsync(string path) =>
        TestHost.StartAsync(path, m => m.WithShop(), postgres: true, broker: ["shop"]);

    private static Task<RelayState> RelayStateAsync(TestHost host) =>
        RelayStore.StateAsync(host.Shop(), TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_relay_publishes_the_log_in_order_persistent_with_its_headers_and_resumes_after_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        BrokerUnderTest.RequireServer();
        using var dir = new TempDirectory("broker");
        await using var tap = await BrokerTap.StartAsync(dir.Path);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "relay-test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("relay-test");
        string traceParent;

        await using (var host = await StartAsync(dir.Path))
        {
            using (var activity = source.StartActivity("reserve"))
            {
                traceParent = activity!.Id!;
                await Shop.ProduceAsync(host.Shop(), 1, ct: ct);
            }

            for (var i = 0; i < 5; i++)
            {
                await Shop.ProduceAsync(host.Shop(), 200, ct: ct);
            }

            await Eventually.HoldsAsync(() => tap.Received.Count, n => n >= 1_001, "the relay published 1,001 events");
            await Eventually.HoldsAsync(() => RelayStateAsync(host), s => s.Position == 1_001, "the relayed position reached the head");
        }

        var first = tap.Received.First();
        first.TraceParent.ShouldBe(traceParent);
        first.Source.ShouldBe("shop");
        first.RoutingKey.ShouldBe("shop.counted.v1");
        first.Persistent.ShouldBeTrue();
        first.Body.ShouldContain("\"n\":1");

        // Restarted on the same database: it resumes after its stored position, nothing twice.
        await using (var host = await StartAsync(dir.Path))
        {
            await Shop.ProduceAsync(host.Shop(), 300, ct: ct);
            await Eventually.HoldsAsync(() => tap.Received.Count, n => n >= 1_301, "the restarted relay published the new events");
            await Eventually.HoldsAsync(() => RelayStateAsync(host), s => s.Position == 1_301, "the relayed position reached the new head");
        }

        var received = tap.Received.ToList();
        received.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 1_301).Select(n => (long)n), "in sequence order, each once");
        received.Select(r => r.MessageId).Distinct().Count().ShouldBe(1_301);
    }

    [Fact]
    public async Task Of_two_processes_sharing_a_log_only_the_lease_holder_publishes_and_the_other_takes_over_when_it_stops()
    {
        var ct = TestContext.Current.CancellationToken;
        BrokerUnderTest.RequireServer();
        using var dir = new TempDirectory("broker");
        await using var tap = await BrokerTap.StartAsync(dir.Path);
        var one = await StartAsync(dir.Path);
        await using var two = await StartAsync(dir.Path);
        try
        {
            await Eventually.HoldsAsync(() => one.Runtime.Relays[0].IsLeader || two.Runtime.Relays[0].IsLeader, l => l, "one relay leads");
            for (var i = 0; i < 10; i++)
            {
                await Shop.ProduceAsync((i % 2 == 0 ? one : two).Shop(), 50, ct: ct);
            }

            await Eventually.HoldsAsync(() => RelayStateAsync(one), s => s.Position == 500, "the log is relayed");
            (one.Runtime.Relays[0].IsLeader ^ two.Runtime.Relays[0].IsLeader).ShouldBeTrue("exactly one relay leads");
            var (leader, other) = one.Runtime.Relays[0].IsLeader ? (one, two) : (two, one);

            await leader.DisposeAsync();
            await Shop.ProduceAsync(other.Shop(), 100, ct: ct);
            await Eventually.HoldsAsync(() => RelayStateAsync(other), s => s.Position == 600, "the other process took over");
            other.Runtime.Relays[0].IsLeader.ShouldBeTrue();
        }
        finally
        {
            await one.DisposeAsync();
        }

        await Eventually.HoldsAsync(() => tap.Received.Count, n => n >= 600, "every event reached the tap");
        tap.Received.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 600).Select(n => (long)n), "in order, none twice");
    }
}
