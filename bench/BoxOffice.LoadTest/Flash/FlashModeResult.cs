using System.Globalization;
using BoxOffice.LoadTest.Api;
using BoxOffice.LoadTest.Hosts;
using BoxOffice.LoadTest.Reporting;

namespace BoxOffice.LoadTest.Flash;

/// <summary>One mode's sale, measured, and what it is judged on.</summary>
internal sealed record FlashModeResult(
    TicketsMode Mode,
    string System,
    bool SettingsApplied,
    FlashTally Tally,
    IReadOnlyList<ProcessSample> Samples,
    InvariantResult Invariants,
    int Capacity,
    int Sold,
    TimeSpan Length,
    int? HostWarnings)
{
    /// <summary>The bound on how long a sold-out answer may take.</summary>
    public static readonly TimeSpan SoldOutBound = TimeSpan.FromSeconds(1);

    public long Accepted => Tally.Outcome(AnswerKind.Accepted) + Tally.Outcome(AnswerKind.Final);

    /// <summary>The run's pass conditions: any that fails makes the exit code 1.</summary>
    public IReadOnlyList<Check> Checks
    {
        get
        {
            var serverErrors = Tally.Outcome(AnswerKind.ServerError) + Tally.Outcome(AnswerKind.ServerTimeout) + Tally.Outcome(AnswerKind.UnavailableWithoutRetryAfter);
            var clientErrors = Tally.Outcome(AnswerKind.ClientTimeout) + Tally.Outcome(AnswerKind.ConnectionError);
            var polledAccepted = Tally.Outcome(AnswerKind.Accepted);
            List<Check> checks =
            [
                new("invariants hold", Invariants.Holds, Invariants.Summary),
                new("sold ≤ capacity", Sold <= Capacity, F($"sold {Sold:N0} of {Capacity:N0}")),
                new("tickets acquired by buyers = tickets sold", Tally.AcquiredTickets == Sold, F($"{Tally.AcquiredTickets:N0} acquired, {Sold:N0} sold")),
                new("every accepted reservation final", Tally.NotFinal == 0 && Tally.Finals == Accepted,
                    F($"{Tally.Finals:N0} of {Accepted:N0} final, {Tally.NotFinal:N0} still Pending at the deadline")),
                new("no 5xx but 503 with Retry-After", serverErrors == 0,
                    F($"{Tally.Outcome(AnswerKind.ServerError):N0} 5xx, {Tally.Outcome(AnswerKind.ServerTimeout):N0} 504, {Tally.Outcome(AnswerKind.UnavailableWithoutRetryAfter):N0} 503 without Retry-After")),
                new("no client timeout or connection error", clientErrors == 0 && Tally.PollErrors == 0,
                    F($"{Tally.Outcome(AnswerKind.ClientTimeout):N0} timeouts, {Tally.Outcome(AnswerKind.ConnectionError):N0} connection errors, {Tally.PollErrors:N0} failed polls")),
            ];
            if (Mode == TicketsMode.RequestResponse && SettingsApplied)
            {
                checks.Add(new("the host answered request-response (200, no 202)", polledAccepted == 0,
                    F($"{polledAccepted:N0} answers were 202: this host does not know Tickets:Mode=RequestResponse")));
            }

            return checks;
        }
    }

    public bool Passed => Checks.All(c => c.Passed);

    public IReadOnlyList<Goal> Goals
    {
        get
        {
            var soldOut = Tally.SoldOutLatency.Summarize();
            return
            [
                new("sold-out answered within 1 s (slowest sold-out answer)", soldOut.Count == 0 ? null : soldOut.Max <= SoldOutBound.TotalMilliseconds,
                    soldOut.Count == 0 ? "no sold-out answer" : F($"max {soldOut.Max:N0} ms, p99 {soldOut.P99:N0} ms over {soldOut.Count:N0} sold-out answers")),
            ];
        }
    }

    public double PeakThreads => Samples.Count == 0 ? 0 : Samples.Max(s => s.Threads);

    public double PeakRssMb => Samples.Count == 0 ? 0 : Samples.Max(s => s.RssMb);

    public double MeanCpuPercent => Samples.Count == 0 ? 0 : Samples.Average(s => s.CpuPercent);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
