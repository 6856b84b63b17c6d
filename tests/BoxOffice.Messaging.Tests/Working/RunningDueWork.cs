using System.Collections.Concurrent;
using System.Threading.Channels;
using BoxOffice.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BoxOffice.Messaging.Tests.Working;

/// <summary>
/// The one background loop (<see cref="WorkLoop"/>): work at start, then on a wake-up or the poll,
/// backoff after failures, a quiet stop. Time is a fake clock that tells the test each time the loop
/// starts waiting on it, so the test moves time only once the loop waits: no sleeps, no races.
/// </summary>
public sealed class RunningDueWork
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public async Task It_works_at_start_up_and_again_as_soon_as_it_is_woken()
    {
        var clock = new WatchedClock();
        var signal = new TestSignal();
        using var work = new ScriptedWork(signal, clock, poll: Day);
        await work.StartAsync(Ct);

        (await work.NextRoundAsync()).ShouldBe(1, "the first round runs at start-up");
        (await clock.NextWaitAsync()).ShouldBe(Day, "then it waits on the poll");

        signal.Wake();
        (await work.NextRoundAsync()).ShouldBe(2, "a wake-up ends the wait; the clock never moved");
        work.RanAt[1].ShouldBe(work.RanAt[0]);
        (await clock.NextWaitAsync()).ShouldBe(Day);
        await work.StopAsync(Ct);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Without_a_wake_up_it_looks_again_when_the_poll_has_passed(bool withSignal)
    {
        var clock = new WatchedClock();
        using var work = new ScriptedWork(withSignal ? new TestSignal() : null, clock, poll: TimeSpan.FromSeconds(1));
        var start = clock.GetUtcNow();
        await work.StartAsync(Ct);
        (await work.NextRoundAsync()).ShouldBe(1);

        (await clock.NextWaitAsync()).ShouldBe(TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromMilliseconds(999));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        (await work.NextRoundAsync()).ShouldBe(2);
        work.RanAt[1].ShouldBe(start + TimeSpan.FromSeconds(1), "the poll, not earlier");

        (await clock.NextWaitAsync()).ShouldBe(TimeSpan.FromSeconds(1), "and it polls again");
        await work.StopAsync(Ct);
    }

    [Fact]
    public async Task A_round_that_finds_more_due_is_followed_by_the_next_without_waiting()
    {
        var clock = new WatchedClock();
        using var work = new ScriptedWork(new TestSignal(), clock, poll: Day, _ => Task.FromResult(true), _ => Task.FromResult(true));
        await work.StartAsync(Ct);

        (await work.NextRoundAsync()).ShouldBe(1);
        (await work.NextRoundAsync()).ShouldBe(2);
        (await work.NextRoundAsync()).ShouldBe(3, "two full rounds, then one that finds the rest");
        (await clock.NextWaitAsync()).ShouldBe(Day);
        clock.WaitsSoFar.ShouldBe(1, "no wait between the full rounds");
        await work.StopAsync(Ct);
    }

    [Fact]
    public async Task After_a_failure_it_backs_off_longer_each_time_and_recovers_with_the_backoff_reset()
    {
        var clock = new WatchedClock();
        var signal = new TestSignal();
        var log = new LogCollector(LogLevel.Information);
        static Task<bool> Fail(CancellationToken ct) => throw new InvalidOperationException("the database is locked");
        using var work = new ScriptedWork(signal, clock, poll: Day, log, Fail, Fail, _ => Task.FromResult(false), Fail);
        await work.StartAsync(Ct);

        (await work.NextRoundAsync()).ShouldBe(1);
        (await clock.NextWaitAsync()).ShouldBe(TimeSpan.FromMilliseconds(100), "the first backoff");
        signal.Wake();
        clock.Advance(TimeSpan.FromMilliseconds(100));
        (await work.NextRoundAsync()).ShouldBe(2);
        (await clock.NextWaitAsync()).ShouldBe(TimeSpan.FromMilliseconds(400), "four times longer after a second failure in a row");
        clock.Advance(TimeSpan.FromMilliseconds(400));
        (await work.NextRoundAsync()).ShouldBe(3, "recovered");
        (await clock.NextWaitAsync()).ShouldBe(Day, "it waits on the poll again");

        // The wake-up that came during the backoff was kept for after it.
        (await work.NextRoundAsync()).ShouldBe(4);
        (await clock.NextWaitAsync()).ShouldBe(TimeSpan.FromMilliseconds(100), "a failure after a success starts the backoff again");
        clock.Advance(TimeSpan.FromMilliseconds(100));
        (await work.NextRoundAsync()).ShouldBe(5);
        (await clock.NextWaitAsync()).ShouldBe(Day, "working again, it waits on the poll");
        await work.StopAsync(Ct);

        work.RanAt.ShouldBe([T(0), T(100), T(500), T(500), T(600)]);
        log.Entries.ShouldBe(
        [
            (LogLevel.Error, "Testing failed (1 in a row); trying again in 00:00:00.1000000"),
            (LogLevel.Error, "Testing failed (2 in a row); trying again in 00:00:00.4000000"),
            (LogLevel.Information, "Testing works again; failed rounds before: 2"),
            (LogLevel.Error, "Testing failed (1 in a row); trying again in 00:00:00.1000000"),
            (LogLevel.Information, "Testing works again; failed rounds before: 1"),
        ]);

        DateTimeOffset T(int ms) => WatchedClock.Start + TimeSpan.FromMilliseconds(ms);
    }

    [Fact]
    public async Task Stopping_ends_the_loop_quietly_while_it_waits()
    {
        var clock = new WatchedClock();
        var log = new LogCollector();
        using var work = new ScriptedWork(new TestSignal(), clock, poll: Day, log);
        await work.StartAsync(Ct);
        await work.NextRoundAsync();
        await clock.NextWaitAsync();

        await work.StopAsync(Ct);

        work.ExecuteTask!.Status.ShouldBe(TaskStatus.RanToCompletion);
        log.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Stopping_ends_the_loop_quietly_while_it_works()
    {
        var clock = new WatchedClock();
        var log = new LogCollector();
        using var work = new ScriptedWork(new TestSignal(), clock, poll: Day, log, async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return false;
        });
        await work.StartAsync(Ct);
        await work.NextRoundAsync();

        await work.StopAsync(Ct);

        work.ExecuteTask!.Status.ShouldBe(TaskStatus.RanToCompletion);
        work.Rounds.ShouldBe(1);
        log.Entries.ShouldBeEmpty("cancellation is no failure");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class TestSignal : WorkSignal;

    /// <summary>Runs the scripted rounds in order (each returns whether more is due), then rounds that find nothing.</summary>
    private sealed class ScriptedWork : WorkLoop
    {
        private readonly ConcurrentQueue<Func<CancellationToken, Task<bool>>> _script;
        private readonly Channel<int> _rounds = Channel.CreateUnbounded<int>();
        private readonly TimeProvider _time;
        private readonly ConcurrentQueue<DateTimeOffset> _ranAt = new();
        private readonly ILoggerFactory _loggers;
        private int _round;

        public ScriptedWork(WorkSignal? signal, TimeProvider time, TimeSpan poll, params Func<CancellationToken, Task<bool>>[] script)
            : this(signal, time, poll, new LogCollector(), script)
        {
        }

        public ScriptedWork(WorkSignal? signal, TimeProvider time, TimeSpan poll, LogCollector log, params Func<CancellationToken, Task<bool>>[] script)
            : this(signal, time, poll, LoggerFactory.Create(b => b.AddProvider(log).SetMinimumLevel(LogLevel.Trace)), script)
        {
        }

        private ScriptedWork(WorkSignal? signal, TimeProvider time, TimeSpan poll, ILoggerFactory loggers, Func<CancellationToken, Task<bool>>[] script)
            : base("Testing", new WorkLoopServices(Options.Create(Settings(poll)), time, loggers))
        {
            Signal = signal;
            _time = time;
            _loggers = loggers;
            _script = new(script);
        }

        public int Rounds => Volatile.Read(ref _round);

        public IReadOnlyList<DateTimeOffset> RanAt => [.. _ranAt];

        protected override WorkSignal? Signal { get; }

        public async Task<int> NextRoundAsync() =>
            await _rounds.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(20), Ct);

        public override void Dispose()
        {
            base.Dispose();
            _loggers.Dispose();
        }

        protected override async Task<bool> DoDueWorkAsync(CancellationToken ct)
        {
            _ranAt.Enqueue(_time.GetUtcNow());
            _rounds.Writer.TryWrite(Interlocked.Increment(ref _round));
            return _script.TryDequeue(out var step) && await step(ct);
        }

        private static MessagingOptions Settings(TimeSpan poll) => new()
        {
            WorkPoll = poll,
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(5),
        };
    }

    /// <summary>A fake clock that reports every timer started on it: the loop is then waiting, and the test may move time.</summary>
    private sealed class WatchedClock : TimeProvider
    {
        public static readonly DateTimeOffset Start = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);

        private readonly FakeTimeProvider _fake = new(Start);
        private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();
        private int _count;

        public int WaitsSoFar => Volatile.Read(ref _count);

        public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;

        public override long TimestampFrequency => _fake.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

        public override long GetTimestamp() => _fake.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = _fake.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _count);
            _waits.Writer.TryWrite(dueTime);
            return timer;
        }

        public void Advance(TimeSpan by) => _fake.Advance(by);

        /// <summary>The length of the next wait the loop starts.</summary>
        public async Task<TimeSpan> NextWaitAsync() =>
            await _waits.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(20), Ct);
    }
}
