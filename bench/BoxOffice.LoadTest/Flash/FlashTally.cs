using System.Collections.Concurrent;
using System.Diagnostics;
using BoxOffice.LoadTest.Api;
using BoxOffice.LoadTest.Reporting;
using HdrHistogram;

namespace BoxOffice.LoadTest.Flash;

/// <summary>
/// Everything one mode's flash sale counts, recorded from every buyer's task at once: each buyer's
/// outcome (its last answer, after retries), every answer's latency, the time to final of each
/// accepted reservation, and per-second series. Times are from the sale's start (<see cref="Clock"/>).
/// </summary>
internal sealed class FlashTally
{
    private readonly long[] _outcomes = new long[Enum.GetValues<AnswerKind>().Length];
    private readonly long[] _retries = new long[Enum.GetValues<AnswerKind>().Length];
    private readonly ConcurrentDictionary<string, long> _refusals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _finals = new(StringComparer.Ordinal);
    private readonly long[] _answersPerSecond;
    private readonly long[] _acceptedPerSecond;
    private readonly long[] _finalsPerSecond;
    private readonly long[] _errorsPerSecond;
    private long _arrived;
    private long _answered;
    private long _notFinal;
    private long _pollErrors;
    private long _otpAnswered;
    private long _otpFailed;
    private long _acquiredTickets;
    private long _firstSoldOutTicks = long.MaxValue;
    private long _lastAcceptedTicks;

    public FlashTally(TimeSpan expectedLength)
    {
        var seconds = (int)Math.Ceiling(expectedLength.TotalSeconds) + 1;
        _answersPerSecond = new long[seconds];
        _acceptedPerSecond = new long[seconds];
        _finalsPerSecond = new long[seconds];
        _errorsPerSecond = new long[seconds];
    }

    public Stopwatch Clock { get; } = new();

    /// <summary>Every answer to a reserve request (retried ones too), from its sending.</summary>
    public HistogramBase AnswerLatency { get; } = Latency.Create();

    /// <summary>Every sold-out answer, from its sending.</summary>
    public HistogramBase SoldOutLatency { get; } = Latency.Create();

    /// <summary>Each reservation that became final, from its buyer's first request.</summary>
    public HistogramBase FinalLatency { get; } = Latency.Create();

    public long Arrived => Interlocked.Read(ref _arrived);

    public long Answered => Interlocked.Read(ref _answered);

    public long NotFinal => Interlocked.Read(ref _notFinal);

    public long PollErrors => Interlocked.Read(ref _pollErrors);

    public long OtpAnswered => Interlocked.Read(ref _otpAnswered);

    public long OtpFailed => Interlocked.Read(ref _otpFailed);

    public long AcquiredTickets => Interlocked.Read(ref _acquiredTickets);

    public TimeSpan? FirstSoldOut => Interlocked.Read(ref _firstSoldOutTicks) is var t && t == long.MaxValue ? null : TimeSpan.FromTicks(t);

    public TimeSpan? LastAccepted => Interlocked.Read(ref _lastAcceptedTicks) is var t && t == 0 ? null : TimeSpan.FromTicks(t);

    public long Outcome(AnswerKind kind) => Interlocked.Read(ref _outcomes[(int)kind]);

    public long Retries(AnswerKind kind) => Interlocked.Read(ref _retries[(int)kind]);

    public long Final(string status) => _finals.GetValueOrDefault(status);

    public long Finals => _finals.Values.Sum();

    public IReadOnlyDictionary<string, long> Refusals => _refusals.ToDictionary(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> FinalsByStatus => _finals.ToDictionary(StringComparer.Ordinal);

    /// <summary>Buyers whose reserve failed outright (5xx other than a retried 503, no answer in time, a broken connection).</summary>
    public long Errors => Outcome(AnswerKind.ServerError) + Outcome(AnswerKind.ServerTimeout) + Outcome(AnswerKind.UnavailableWithoutRetryAfter)
        + Outcome(AnswerKind.ClientTimeout) + Outcome(AnswerKind.ConnectionError);

    public void Arrive() => Interlocked.Increment(ref _arrived);

    /// <summary>One answer to a reserve request (<paramref name="retried"/>: it will be sent again).</summary>
    public void Answer(Answer answer, TimeSpan latency, bool retried)
    {
        var now = Clock.Elapsed;
        AnswerLatency.Record(latency);
        Increment(_answersPerSecond, now);
        if (retried)
        {
            Interlocked.Increment(ref _retries[(int)answer.Kind]);
            return;
        }

        Interlocked.Increment(ref _answered);
        Interlocked.Increment(ref _outcomes[(int)answer.Kind]);
        switch (answer.Kind)
        {
            case AnswerKind.Accepted or AnswerKind.Final:
                Increment(_acceptedPerSecond, now);
                InterlockedMax(ref _lastAcceptedTicks, now.Ticks);
                break;
            case AnswerKind.SoldOut:
                SoldOutLatency.Record(latency);
                InterlockedMin(ref _firstSoldOutTicks, now.Ticks);
                break;
            case AnswerKind.Refused or AnswerKind.RateLimited or AnswerKind.Overloaded:
                _refusals.AddOrUpdate(answer.Label, 1, (_, n) => n + 1);
                break;
            default:
                Increment(_errorsPerSecond, now);
                break;
        }
    }

    /// <summary>A reservation reached <paramref name="status"/>, <paramref name="sinceFirstRequest"/> after its buyer first asked.</summary>
    public void BecameFinal(string status, int quantity, TimeSpan sinceFirstRequest)
    {
        FinalLatency.Record(sinceFirstRequest);
        _finals.AddOrUpdate(status, 1, (_, n) => n + 1);
        Increment(_finalsPerSecond, Clock.Elapsed);
        if (status == "Acquired")
        {
            Interlocked.Add(ref _acquiredTickets, quantity);
        }
    }

    public void StayedPending() => Interlocked.Increment(ref _notFinal);

    public void PollFailed() => Interlocked.Increment(ref _pollErrors);

    public void OtpSent(bool taken) => Interlocked.Increment(ref taken ? ref _otpAnswered : ref _otpFailed);

    /// <summary>Answers, accepted, finals and errors per second, up to <paramref name="seconds"/>.</summary>
    public TimeSeries Series(int seconds)
    {
        var n = Math.Min(seconds, _answersPerSecond.Length);
        return new TimeSeries(
            [.. _answersPerSecond.Take(n).Select(v => (double)v)],
            [.. _acceptedPerSecond.Take(n).Select(v => (double)v)],
            [.. _finalsPerSecond.Take(n).Select(v => (double)v)],
            [.. _errorsPerSecond.Take(n).Select(v => (double)v)]);
    }

    /// <summary>Answers in the last whole second (for the live view).</summary>
    public long AnswersLastSecond()
    {
        var second = (int)Clock.Elapsed.TotalSeconds - 1;
        return second >= 0 && second < _answersPerSecond.Length ? Interlocked.Read(ref _answersPerSecond[second]) : 0;
    }

    private static void Increment(long[] series, TimeSpan at) =>
        Interlocked.Increment(ref series[Math.Clamp((int)at.TotalSeconds, 0, series.Length - 1)]);

    private static void InterlockedMax(ref long target, long value)
    {
        var seen = Interlocked.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var previous && previous != seen)
        {
            seen = previous;
        }
    }

    private static void InterlockedMin(ref long target, long value)
    {
        var seen = Interlocked.Read(ref target);
        while (value < seen && Interlocked.CompareExchange(ref target, value, seen) is var previous && previous != seen)
        {
            seen = previous;
        }
    }
}

/// <summary>Per-second counts: index i is the second [i, i+1) from the start.</summary>
internal sealed record TimeSeries(double[] Answers, double[] Accepted, double[] Finals, double[] Errors);
