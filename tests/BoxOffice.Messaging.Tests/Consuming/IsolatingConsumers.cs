using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Messaging.Tests.Consuming;

/// <summary>Holds a handler until the test lets it go.</summary>
internal sealed class Valve
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reached => _reached.Task;

    public async Task PassAsync(CancellationToken ct)
    {
        _reached.TrySetResult();
        await _open.Task.WaitAsync(ct);
    }

    public void Open() => _open.TrySetResult();
}

internal sealed class StuckRecordCounted(Valve valve) : IEventHandler<Counted>
{
    public async ValueTask HandleAsync(Counted @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        await valve.PassAsync(cancellationToken);
        await Recorder.RecordAsync(context, @event.N, @event.Key, cancellationToken);
    }
}

public sealed class IsolatingConsumers
{
    [Fact]
    public async Task A_stuck_consumer_does_not_delay_another()
    {
        using var dir = new TempDirectory("messaging");
        var valve = new Valve();
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").WithRecorderDatabase("slow")
                .WithFullRecorder("alpha")
                .AddConsumer("slow", "slow", c => c.Handle<Counted, StuckRecordCounted>()),
            services: s => s.AddSingleton(valve));

        await Shop.ProduceAsync(host.Shop(), 200, ct: TestContext.Current.CancellationToken);
        await valve.Reached.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(async () => await host.AppliedAsync("alpha", "alpha") == 200, "alpha applied everything");

        (await host.AppliedAsync("slow", "slow")).ShouldBe(0);
        valve.Open();
        await host.CaughtUpAsync();
        (await host.AppliedAsync("slow", "slow")).ShouldBe(200);
    }

    [Fact]
    public async Task A_consumer_retrying_a_poison_event_does_not_delay_another_in_the_same_database()
    {
        using var dir = new TempDirectory("messaging");
        var faults = new Faults();
        faults.Poison[1] = true;
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha")
                .WithFullRecorder("alpha")
                .AddConsumer("flaky", "alpha", c => c.Handle<Counted, FlakyRecordCounted>()),
            // Eight seconds of backoff on the first event: far longer than alpha needs.
            options: o => (o.InitialBackoff, o.MaxBackoff) = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)),
            services: s => s.AddSingleton(faults));

        await Shop.ProduceAsync(host.Shop(), 100, ct: TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(async () => await host.StateAsync("flaky") == SubscriptionState.Retrying, "flaky is backing off on its first event");
        await Eventually.HoldsAsync(async () => await host.AppliedAsync("alpha", "alpha") == 100, "alpha applied everything");

        // Alpha finished while flaky was still stuck on event 1, in the same database.
        (await host.StateAsync("flaky")).ShouldBe(SubscriptionState.Retrying);
        (await host.AppliedAsync("alpha", "flaky")).ShouldBe(0);
        (await host.Admin.DeadLettersAsync("flaky", ct: TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Consumers_wake_on_commit_without_polling()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").WithFullRecorder("alpha"),
            // With the fallback poll a day away, only the commit signal can wake the consumer.
            options: o => o.FallbackPoll = TimeSpan.FromDays(1));
        await host.CaughtUpAsync();

        for (var round = 1; round <= 3; round++)
        {
            await Shop.ProduceAsync(host.Shop(), 1, ct: TestContext.Current.CancellationToken);
            var expected = round;
            await Eventually.HoldsAsync(async () => await host.AppliedAsync("alpha", "alpha") == expected, $"event {round} was applied", TimeSpan.FromSeconds(10));
        }
    }
}
