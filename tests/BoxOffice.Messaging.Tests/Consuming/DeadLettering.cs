using System.Collections.Concurrent;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Messaging.Tests.Consuming;

/// <summary>Which numbers the flaky handler refuses, and how often each was tried.</summary>
internal sealed class Faults
{
    public ConcurrentDictionary<long, bool> Poison { get; } = new();

    public ConcurrentDictionary<long, int> Attempts { get; } = new();
}

internal sealed class FlakyRecordCounted(Faults faults) : IEventHandler<Counted>
{
    public async ValueTask HandleAsync(Counted @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        faults.Attempts.AddOrUpdate(@event.N, 1, (_, n) => n + 1);
        // Write first, then fail: the rollback must take the write with it.
        await Recorder.RecordAsync(context, @event.N, @event.Key, cancellationToken);
        if (faults.Poison.ContainsKey(@event.N))
        {
            throw new InvalidOperationException($"cannot apply {@event.N}");
        }
    }
}

public sealed class DeadLettering
{
    private static Task<TestHost> StartAsync(string path, Faults faults) =>
        TestHost.StartAsync(path,
            m => m.WithShop().WithRecorderDatabase("alpha")
                .AddConsumer("flaky", "alpha", c => c.Handle<Counted, FlakyRecordCounted>()),
            services: s => s.AddSingleton(faults));

    [Fact]
    public async Task A_poison_event_is_dead_lettered_after_the_bounded_attempts_and_later_events_still_flow()
    {
        using var dir = new TempDirectory("messaging");
        var faults = new Faults();
        faults.Poison[3] = true;
        await using var host = await StartAsync(dir.Path, faults);

        await Shop.ProduceAsync(host.Shop(), 10, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();

        var letter = (await host.Admin.DeadLettersAsync("flaky", ct: TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
        letter.Type.ShouldBe("shop.counted.v1");
        letter.Sequence.ShouldBe(3);
        letter.Attempts.ShouldBe(5);
        letter.Error.ShouldContain("cannot apply 3");
        letter.Payload.ShouldContain("\"n\":3");
        faults.Attempts[3].ShouldBe(5);
        (await Sql.RowsAsync(host.Database("alpha"), "SELECT n FROM applied ORDER BY n")).ShouldBe(["1", "2", "4", "5", "6", "7", "8", "9", "10"]);
    }

    [Fact]
    public async Task Redriving_after_the_fix_applies_the_event_once()
    {
        using var dir = new TempDirectory("messaging");
        var faults = new Faults();
        faults.Poison[3] = true;
        await using var host = await StartAsync(dir.Path, faults);
        await Shop.ProduceAsync(host.Shop(), 10, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();
        var letter = (await host.Admin.DeadLettersAsync("flaky", ct: TestContext.Current.CancellationToken)).ShouldHaveSingleItem();

        var stillBroken = await host.Admin.RedriveAsync("flaky", letter.Id, TestContext.Current.CancellationToken);
        stillBroken.Status.ShouldBe(RedriveStatus.Failed);
        stillBroken.Error.ShouldBe("cannot apply 3");
        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(*) FROM applied WHERE n = 3")).ShouldBe(0);

        faults.Poison.TryRemove(3, out _);
        (await host.Admin.RedriveAsync("flaky", letter.Id, TestContext.Current.CancellationToken)).Status.ShouldBe(RedriveStatus.Applied);
        (await host.Admin.RedriveAsync("flaky", letter.Id, TestContext.Current.CancellationToken)).Status.ShouldBe(RedriveStatus.AlreadyRedriven);

        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(*) FROM applied WHERE n = 3")).ShouldBe(1);
        (await host.TotalAsync("alpha", "flaky")).ShouldBe(10);
        (await host.Admin.DeadLettersAsync("flaky", ct: TestContext.Current.CancellationToken)).ShouldBeEmpty();
        var redriven = (await host.Admin.DeadLettersAsync("flaky", includeRedriven: true, ct: TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
        redriven.RedrivenAt.ShouldNotBeNull();
        redriven.Attempts.ShouldBe(7);
    }

    [Fact]
    public async Task Redriving_an_unknown_dead_letter_changes_nothing()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir.Path, new Faults());

        (await host.Admin.RedriveAsync("flaky", 42, TestContext.Current.CancellationToken)).Status.ShouldBe(RedriveStatus.NotFound);
        await Should.ThrowAsync<ArgumentException>(() => host.Admin.RedriveAsync("nobody", 1, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Retries_back_off_from_100_ms_to_5_s()
    {
        var options = new MessagingOptions();

        Enumerable.Range(2, 5).Select(options.BackoffBefore).ShouldBe(
        [
            TimeSpan.FromMilliseconds(100),
            TimeSpan.FromMilliseconds(400),
            TimeSpan.FromMilliseconds(1600),
            TimeSpan.FromSeconds(5),
            TimeSpan.FromSeconds(5),
        ]);
        options.MaxAttempts.ShouldBe(5);
    }
}
