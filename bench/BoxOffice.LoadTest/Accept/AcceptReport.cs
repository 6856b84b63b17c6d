using System.Globalization;
using BoxOffice.LoadTest.Reporting;

namespace BoxOffice.LoadTest.Accept;

/// <summary>The accept scenario's report: per round and the median of rounds, BoxOffice as a share of each ceiling.</summary>
internal sealed class AcceptReport(
    string commandLine, string folder, int connections, TimeSpan duration, TimeSpan warmup, string system,
    IReadOnlyList<AcceptRound> rounds, double targetShare, double targetP99Ms)
{
    private readonly Machine _machine = Machine.Current();
    private readonly DateTimeOffset _date = DateTimeOffset.Now;

    private LoopResult Median(Func<AcceptRound, LoopResult> target)
    {
        var runs = rounds.Select(target).ToList();
        return new LoopResult(runs[0].Target, (long)Median(runs.Select(r => (double)r.Accepted)), runs[0].Others,
            TimeSpan.FromSeconds(Median(runs.Select(r => r.Elapsed.TotalSeconds))),
            new Percentiles((long)Median(runs.Select(r => (double)r.Latency.Count)), Median(runs.Select(r => r.Latency.P50)), Median(runs.Select(r => r.Latency.P90)),
                Median(runs.Select(r => r.Latency.P99)), Median(runs.Select(r => r.Latency.P999)), Median(runs.Select(r => r.Latency.Max))),
            runs.Any(r => r.RanOutOfBuyers));
    }

    private double MedianPerSecond(Func<AcceptRound, LoopResult> target) => Median(rounds.Select(r => target(r).PerSecond));

    private double MedianShareOfCommit => Median(rounds.Select(r => r.ShareOfCommit));

    private double MedianBoxOfficeP99 => Median(rounds.Select(r => r.BoxOffice.Latency.P99));

    private bool TargetMet => MedianShareOfCommit >= targetShare && MedianBoxOfficeP99 <= targetP99Ms;

    public void Write()
    {
        var md = new Markdown().Heading("Accept throughput against its ceilings", 1)
            .Bullet($"command: `{commandLine}`")
            .Bullet($"date: {_date.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)}")
            .Bullet($"machine: {_machine}")
            .Bullet($"BoxOffice: {system}; one ticket type of 1,000,000 tickets, maxPerOrder 1, every request a different buyer")
            .Bullet(F($"closed loop: {connections} connections, {duration.TotalSeconds:0.#} s per target{(warmup > TimeSpan.Zero ? F($" after a {warmup.TotalSeconds:0.#} s unmeasured warm-up") : "")}, {rounds.Count} round(s); the client shares the machine"))
            .Bullet("noop: a bare Kestrel minimal API answering 202; commit: the same, answering after its row is committed to SQLite (WAL, synchronous=FULL, one writer, ≤ 256 rows per transaction); each in its own process")
            .Line();

        md.Heading("Median of rounds").Table(["target", "accepted/s", "p50 ms", "p90 ms", "p99 ms", "BoxOffice as % of it"],
        [
            Row(Median(r => r.Noop), MedianPerSecond(r => r.Noop), Median(rounds.Select(r => r.ShareOfNoop))),
            Row(Median(r => r.Commit), MedianPerSecond(r => r.Commit), MedianShareOfCommit),
            Row(Median(r => r.BoxOffice), MedianPerSecond(r => r.BoxOffice), null),
        ], 1);

        md.Heading("Rounds").Paragraph("CPU: the mean over the phase, 100% = one core; the server's (the ceiling process, or the host) and the load tool's own, on the same cores.")
            .Table(["round", "target", "accepted/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "other answers", "CPU server / tool", "BoxOffice as % of it"],
            rounds.SelectMany(r => new[]
            {
                RoundRow(r.Round, r.Noop, r.ShareOfNoop),
                RoundRow(r.Round, r.Commit, r.ShareOfCommit),
                RoundRow(r.Round, r.BoxOffice, null),
            }), 2);

        md.Heading("Host during the BoxOffice phase").Table(["round", "peak RSS MB", "peak threads", "quiet again after"],
            rounds.Select(r => (IReadOnlyList<string>)[N(r.Round), N(r.PeakRssMb), N(r.PeakThreads), r.Settled is { } s ? F($"{s.TotalSeconds:N0} s") : "not within the settle limit"]), 1);

        md.Heading("Target of the issue").Table(["target", "result", "figure"],
        [
            [F($"BoxOffice ≥ {targetShare:P0} of the commit ceiling with p99 ≤ {targetP99Ms:N0} ms (medians of rounds)"), TargetMet ? "met" : "missed",
                F($"{MedianShareOfCommit:P1} of the commit ceiling, p99 {MedianBoxOfficeP99:N1} ms")],
        ]);
        if (rounds.Any(r => r.BoxOffice.RanOutOfBuyers))
        {
            md.Paragraph("**Note:** a BoxOffice phase used every buyer minted for it and stopped early; its rate is over the time it ran.");
        }

        md.Heading("Plot").Line("![accepted per second](accept.png)");
        File.WriteAllText(Path.Combine(folder, "report.md"), md.ToString());

        Plots.Bars(Path.Combine(folder, "accept.png"), "accepted per second, by round", "requests/s",
            [.. rounds.SelectMany(r => new[] { ($"noop #{r.Round}", r.Noop.PerSecond), ($"commit #{r.Round}", r.Commit.PerSecond), ($"BoxOffice #{r.Round}", r.BoxOffice.PerSecond) })]);

        Json.Write(Path.Combine(folder, "summary.json"), new
        {
            kind = "accept",
            commandLine,
            date = _date,
            machine = _machine,
            system,
            connections,
            durationSeconds = duration.TotalSeconds,
            warmupSeconds = warmup.TotalSeconds,
            median = new
            {
                noop = new { perSecond = MedianPerSecond(r => r.Noop), latencyMs = Median(r => r.Noop).Latency },
                commit = new { perSecond = MedianPerSecond(r => r.Commit), latencyMs = Median(r => r.Commit).Latency },
                boxOffice = new { perSecond = MedianPerSecond(r => r.BoxOffice), latencyMs = Median(r => r.BoxOffice).Latency },
                shareOfNoop = Median(rounds.Select(r => r.ShareOfNoop)),
                shareOfCommit = MedianShareOfCommit,
            },
            rounds = rounds.Select(r => new
            {
                r.Round,
                noop = Phase(r.Noop),
                commit = Phase(r.Commit),
                boxOffice = Phase(r.BoxOffice),
                r.ShareOfNoop,
                r.ShareOfCommit,
                r.PeakRssMb,
                r.PeakThreads,
                settledSeconds = r.Settled?.TotalSeconds,
            }),
            target = new { shareOfCommit = targetShare, p99Ms = targetP99Ms, met = TargetMet },
        });
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"Report: {Path.Combine(folder, "report.md")}");
        Console.WriteLine(F($"median of {rounds.Count} round(s): noop {MedianPerSecond(r => r.Noop):N0}/s, commit {MedianPerSecond(r => r.Commit):N0}/s, ") +
            F($"BoxOffice {MedianPerSecond(r => r.BoxOffice):N0}/s (p99 {MedianBoxOfficeP99:N1} ms) = {MedianShareOfCommit:P1} of the commit ceiling: target {(TargetMet ? "met" : "missed")}"));
    }

    private static object Phase(LoopResult r) => new
    {
        perSecond = r.PerSecond,
        accepted = r.Accepted,
        others = r.Others,
        seconds = r.Elapsed.TotalSeconds,
        latencyMs = r.Latency,
        r.RanOutOfBuyers,
        r.ServerCpuPercent,
        r.ToolCpuPercent,
    };

    private static IReadOnlyList<string> Row(LoopResult r, double perSecond, double? share) =>
        [r.Target, N(perSecond), N(r.Latency.P50, "N1"), N(r.Latency.P90, "N1"), N(r.Latency.P99, "N1"), share is { } s ? F($"{s:P1}") : "–"];

    private static IReadOnlyList<string> RoundRow(int round, LoopResult r, double? share) =>
        [N(round), r.Target, N(r.PerSecond), N(r.Latency.P50, "N1"), N(r.Latency.P90, "N1"), N(r.Latency.P99, "N1"), N(r.Latency.Max, "N1"),
            r.OthersText + (r.RanOutOfBuyers ? " (ran out of buyers)" : ""),
            r.ServerCpuPercent is null && r.ToolCpuPercent is null ? "not sampled" : F($"{r.ServerCpuPercent:N0}% / {r.ToolCpuPercent:N0}%"),
            share is { } s ? F($"{s:P1}") : "–"];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string N(double value, string format = "N0") => Markdown.N(value, format);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
