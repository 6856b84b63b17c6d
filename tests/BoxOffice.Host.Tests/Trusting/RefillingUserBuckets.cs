using BoxOffice.ServiceDefaults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BoxOffice.Host.Tests.Trusting;

/// <summary>The per-user reservation buckets, without a host: burst, refill from the clock, sweep.</summary>
public sealed class RefillingUserBuckets
{
    private static UserTokenBuckets Buckets(FakeTimeProvider time) => new(
        Options.Create(new RateLimitOptions { ReservationBurstPerUser = 3, ReservationsPerMinutePerUser = 6 }), time);

    [Fact]
    public void A_user_gets_the_burst_then_waits_for_the_next_token_while_another_user_is_not_held_up()
    {
        var time = new FakeTimeProvider();
        var buckets = Buckets(time);

        for (var i = 0; i < 3; i++)
        {
            buckets.TryTake("alice", out _).ShouldBeTrue();
        }

        buckets.TryTake("alice", out var wait).ShouldBeFalse();
        wait.ShouldBe(TimeSpan.FromSeconds(10));
        buckets.TryTake("bob", out _).ShouldBeTrue();

        time.Advance(TimeSpan.FromSeconds(9));
        buckets.TryTake("alice", out wait).ShouldBeFalse();
        wait.ShouldBe(TimeSpan.FromSeconds(1), tolerance: TimeSpan.FromMilliseconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        buckets.TryTake("alice", out _).ShouldBeTrue();
        buckets.TryTake("alice", out _).ShouldBeFalse();
    }

    [Fact]
    public void A_bucket_never_holds_more_than_the_burst_however_long_its_user_was_away()
    {
        var time = new FakeTimeProvider();
        var buckets = Buckets(time);
        buckets.TryTake("alice", out _).ShouldBeTrue();

        time.Advance(TimeSpan.FromHours(5));
        var taken = Enumerable.Range(0, 10).Count(attempt => buckets.TryTake("alice", out _));

        taken.ShouldBe(3);
    }

    [Fact]
    public void A_sweep_drops_only_the_buckets_that_are_full_again()
    {
        var time = new FakeTimeProvider();
        var buckets = Buckets(time);
        buckets.TryTake("rested", out _).ShouldBeTrue();
        time.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 3; i++)
        {
            buckets.TryTake("busy", out _).ShouldBeTrue();
        }

        buckets.Sweep(time.GetUtcNow().UtcTicks);

        buckets.Count.ShouldBe(1, "the rested user's bucket refilled and was dropped; the busy one is kept");
        buckets.TryTake("busy", out _).ShouldBeFalse("dropping the others must not refill the busy user's bucket");
    }
}
