using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Testbed;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Messaging.Tests.Consuming;

/// <summary>Records, then asks for a wake-up after the commit that fails.</summary>
internal sealed class RecordWithFailingWakeUp : IEventHandler<Counted>
{
    public ValueTask HandleAsync(Counted @event, ConsumeContext context, CancellationToken cancellationToken)
    {
        context.Transaction.OnCommitted(() => throw new InvalidOperationException("the wake-up failed"));
        return Recorder.RecordAsync(context, @event.N, @event.Key, cancellationToken);
    }
}

public sealed class ApplyingBatchesAtomically
{
    [Fact]
    public async Task A_callback_failing_after_the_commit_does_not_make_the_batch_apply_twice()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").AddConsumer("alpha", "alpha", c => c.Handle<Counted, RecordWithFailingWakeUp>()));

        for (var i = 0; i < 5; i++)
        {
            await Shop.ProduceAsync(host.Shop(), 20, ct: TestContext.Current.CancellationToken);
        }

        await host.CaughtUpAsync();
        (await host.AppliedAsync("alpha", "alpha")).ShouldBe(100);
        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(DISTINCT n) FROM applied")).ShouldBe(100);
        (await host.Admin.DeadLettersAsync("alpha", ct: TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_failure_between_applying_and_committing_leaves_nothing_applied_and_the_retry_applies_the_batch_once()
    {
        using var dir = new TempDirectory("messaging");
        var commits = 0;
        var retrying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hooks = new MessagingHooks
        {
            BeforeCommit = async (consumer, ct) =>
            {
                switch (Interlocked.Increment(ref commits))
                {
                    case 1:
                        // Every event of the batch and the cursor are written, not yet committed.
                        throw new IOException("the disk went away just before the commit");
                    case 2:
                        retrying.SetResult();
                        await resume.Task.WaitAsync(ct);
                        break;
                }
            },
        };
        await using var host = await TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").WithFullRecorder("alpha"),
            services: s => s.AddSingleton(hooks));

        await Shop.ProduceAsync(host.Shop(), 50, ct: TestContext.Current.CancellationToken);
        await retrying.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        // The retry is in flight; what is committed is what the failed attempt left: nothing.
        (await host.AppliedAsync("alpha", "alpha")).ShouldBe(0);
        (await host.TotalAsync("alpha", "alpha")).ShouldBe(0);
        (await Sql.LongAsync(host.Database("alpha"), "SELECT position FROM consumer_cursors WHERE consumer = 'alpha'")).ShouldBe(0);

        resume.SetResult();
        await host.CaughtUpAsync();

        (await host.AppliedAsync("alpha", "alpha")).ShouldBe(50);
        (await Sql.LongAsync(host.Database("alpha"), "SELECT COUNT(DISTINCT event_id) FROM applied")).ShouldBe(50);
        (await host.TotalAsync("alpha", "alpha")).ShouldBe(50);
        (await Sql.LongAsync(host.Database("alpha"), "SELECT position FROM consumer_cursors WHERE consumer = 'alpha'")).ShouldBe(50);
    }
}
