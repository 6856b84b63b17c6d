using System.Globalization;
using BoxOffice.LoadTest.Api;
using BoxOffice.LoadTest.Reporting;

namespace BoxOffice.LoadTest.Flash;

/// <summary>The flash sale's report: report.md, summary.json and the three plots, in the run's folder.</summary>
internal sealed class FlashReport(FlashOptions options, IReadOnlyList<FlashModeResult> results, string commandLine, string folder)
{
    private readonly Machine _machine = Machine.Current();
    private readonly DateTimeOffset _date = DateTimeOffset.Now;

    public string Folder => folder;

    public bool Passed => results.All(r => r.Passed);

    public void Write()
    {
        Plots.Latency(Path.Combine(folder, "latency.png"), [.. results.Select(r => (r.Mode.ToString(), r.Tally.AnswerLatency, r.Tally.FinalLatency))]);
        Plots.Throughput(Path.Combine(folder, "throughput.png"), [.. results.Select(r => (r.Mode.ToString(), r.Tally.Series(Seconds(r))))]);
        Plots.Resources(Path.Combine(folder, "resources.png"), [.. results.Select(r => (r.Mode.ToString(), r.Samples))]);
        File.WriteAllText(Path.Combine(folder, "report.md"), Markdown());
        Json.Write(Path.Combine(folder, "summary.json"), Summary());
    }

    public void PrintSummary()
    {
        Console.WriteLine();
        Console.WriteLine($"Report: {Path.Combine(folder, "report.md")}");
        foreach (var r in results)
        {
            var answer = r.Tally.AnswerLatency.Summarize();
            var final = r.Tally.FinalLatency.Summarize();
            Console.WriteLine(F($"[{r.Mode}] {(r.Passed ? "PASS" : "FAIL")}: {r.Tally.Arrived:N0} buyers, {r.Accepted:N0} accepted, {r.Tally.Outcome(AnswerKind.SoldOut):N0} sold out, ") +
                F($"sold {r.Sold:N0}/{r.Capacity:N0}; answer p50 {answer.P50:N1} / p99 {answer.P99:N1} ms; final p50 {final.P50:N0} / p99 {final.P99:N0} ms; ") +
                F($"invariants: {r.Invariants.Summary}"));
            foreach (var failed in r.Checks.Where(c => !c.Passed))
            {
                Console.WriteLine($"    failed: {failed.Name}: {failed.Figure}");
            }

            foreach (var goal in r.Goals)
            {
                Console.WriteLine($"    target {goal.Mark}: {goal.Name}: {goal.Figure}");
            }
        }
    }

    private string Markdown()
    {
        var md = new Markdown().Heading($"Flash sale: {options.Name}", 1);
        md.Bullet($"command: `{commandLine}`")
            .Bullet($"date: {_date.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)}")
            .Bullet($"machine: {_machine}");
        foreach (var r in results)
        {
            md.Bullet($"system under test ({r.Mode}): {r.System}");
        }

        md.Bullet($"result: **{(Passed ? "PASS" : "FAIL")}**").Line();

        md.Heading("Parameters").Table(["parameter", "value"],
        [
            ["buyers", N(options.Buyers)],
            ["tickets (ticket types)", $"{N(options.Tickets)} ({options.TicketTypes}: {string.Join(" + ", options.Capacities.Select(c => N(c)))})"],
            ["quantity per reservation", N(options.Quantity)],
            ["ramp (buyer i arrives at ramp·i/buyers, open loop)", Seconds(options.Ramp)],
            ["payment gateway simulator: median / p99 latency, failure rate", options.Target.Embedded
                ? F($"{options.GatewayMedianMs} ms / {options.GatewayP99Ms} ms, {options.GatewayFailureRate:P1}")
                : "the deployment's own (not set by the tool)"],
            ["cards: declined / one-time code (think time)", F($"{options.DeclineRate:P1} / {options.OtpRate:P1} ({Seconds(options.OtpThink)})")],
            ["mode", string.Join(", ", options.Modes)],
            ["storage", options.Target.Embedded ? options.Target.Storage.ToString() : "the deployment's own"],
            ["client timeout per request, retries of 429/503", $"{Seconds(options.Timeout)}, {options.Retries}"],
            ["connections the buyers share (a request waiting for one counts the wait)", N(options.Connections)],
            ["poll interval, final deadline after the last arrival", $"{Seconds(options.Poll)}, {Seconds(options.FinalDeadline)}"],
            ["invariants grace", $"{options.GraceSeconds} s"],
            ["random seed", N(options.Seed)],
        ]);

        var header = new[] { "" }.Concat(results.Select(r => r.Mode.ToString())).ToList();
        md.Heading("Outcomes").Paragraph("A buyer's outcome is its last answer (after its retries); retries are counted apart.")
            .Table(header, OutcomeRows(), 1);

        md.Heading("Latency (ms)").Paragraph(
            "Answer: every answer to `POST /api/reservations`, from its sending. Final: each accepted reservation, from its buyer's first request to the poll (or the 200) that saw it final, so in EventDriven mode its resolution is the poll interval. Sold out: every sold-out answer.");
        md.Table(["mode", "measure", "count", "p50", "p90", "p99", "p99.9", "max"], results.SelectMany(r => new[]
        {
            LatencyRow(r, "answer", r.Tally.AnswerLatency.Summarize()),
            LatencyRow(r, "final", r.Tally.FinalLatency.Summarize()),
            LatencyRow(r, "sold-out answer", r.Tally.SoldOutLatency.Summarize()),
        }), 2);

        md.Heading("Sold out").Table(header,
        [
            Row("first sold-out answer, since the sale started", r => r.Tally.FirstSoldOut is { } t ? Seconds(t) : "none"),
            Row("last accepted answer, since the sale started", r => r.Tally.LastAccepted is { } t ? Seconds(t) : "none"),
            Row("slowest sold-out answer", r => r.Tally.SoldOutLatency.TotalCount == 0 ? "–" : F($"{r.Tally.SoldOutLatency.Summarize().Max:N0} ms")),
        ], 1);

        md.Heading("Throughput and host").Table(header,
        [
            Row("sale length (first arrival to the last buyer done)", r => Seconds(r.Length)),
            Row("answers/s, mean over the ramp", r => N(r.Tally.Answered / Math.Max(options.Ramp.TotalSeconds, 1))),
            Row("answers/s, peak second", r => N(r.Tally.Series(Seconds(r)).Answers.DefaultIfEmpty(0).Max())),
            Row("finals/s, peak second", r => N(r.Tally.Series(Seconds(r)).Finals.DefaultIfEmpty(0).Max())),
            Row("host threads, peak", r => r.Samples.Count == 0 ? "not sampled" : N(r.PeakThreads)),
            Row("host RSS, peak", r => r.Samples.Count == 0 ? "not sampled" : F($"{r.PeakRssMb:N0} MB")),
            Row("host CPU, mean (100% = one core)", r => r.Samples.Count == 0 ? "not sampled" : F($"{r.MeanCpuPercent:N0}%")),
            Row("load tool CPU, mean", r => r.Samples.Count == 0 ? "not sampled" : F($"{r.Samples.Average(s => s.ToolCpuPercent):N0}%")),
            Row("host log lines at Warning or above (start-up's included: host-<mode>.log)", r => r.HostWarnings is { } w ? N(w) : "not the tool's host"),
        ], 1);

        md.Heading("Invariants").Table(["mode", "result"], results.Select(r => (IReadOnlyList<string>)[r.Mode.ToString(), r.Invariants.Summary]));

        md.Heading("Pass conditions").Table(["mode", "condition", "result", "figure"],
            results.SelectMany(r => r.Checks.Select(c => (IReadOnlyList<string>)[r.Mode.ToString(), c.Name, c.Mark, c.Figure])));
        md.Heading("Targets of the issue").Table(["mode", "target", "result", "figure"],
            results.SelectMany(r => r.Goals.Select(g => (IReadOnlyList<string>)[r.Mode.ToString(), g.Name, g.Mark, g.Figure])));

        md.Heading("Plots").Line("![latency](latency.png)").Line().Line("![throughput](throughput.png)").Line().Line("![resources](resources.png)");
        return md.ToString();
    }

    private IEnumerable<IReadOnlyList<string>> OutcomeRows()
    {
        yield return Row("arrived", r => N(r.Tally.Arrived));
        yield return Row("answered", r => N(r.Tally.Answered));
        yield return Row("accepted: 202 Pending", r => N(r.Tally.Outcome(AnswerKind.Accepted)));
        yield return Row("accepted: 200 final at once", r => N(r.Tally.Outcome(AnswerKind.Final)));
        yield return Row("409 sold-out", r => N(r.Tally.Outcome(AnswerKind.SoldOut)));
        foreach (var type in results.SelectMany(r => r.Tally.Refusals.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            yield return Row($"refused: {type}", r => N(r.Tally.Refusals.GetValueOrDefault(type)));
        }

        yield return Row("503 without Retry-After", r => N(r.Tally.Outcome(AnswerKind.UnavailableWithoutRetryAfter)));
        yield return Row("other 5xx", r => N(r.Tally.Outcome(AnswerKind.ServerError)));
        yield return Row("504 (server gave up waiting)", r => N(r.Tally.Outcome(AnswerKind.ServerTimeout)));
        yield return Row("client timeout", r => N(r.Tally.Outcome(AnswerKind.ClientTimeout)));
        yield return Row("connection error", r => N(r.Tally.Outcome(AnswerKind.ConnectionError)));
        yield return Row("retried after 429", r => N(r.Tally.Retries(AnswerKind.RateLimited)));
        yield return Row("retried after 503 with Retry-After", r => N(r.Tally.Retries(AnswerKind.Overloaded)));
        foreach (var status in results.SelectMany(r => r.Tally.FinalsByStatus.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            yield return Row($"final: {status}", r => N(r.Tally.Final(status)));
        }

        yield return Row("still Pending at the final deadline", r => N(r.Tally.NotFinal));
        yield return Row("polls that failed", r => N(r.Tally.PollErrors));
        yield return Row("one-time codes answered (refused)", r => F($"{r.Tally.OtpAnswered:N0} ({r.Tally.OtpFailed:N0})"));
        yield return Row("tickets acquired / sold by the host / capacity", r => F($"{r.Tally.AcquiredTickets:N0} / {r.Sold:N0} / {r.Capacity:N0}"));
    }

    private object Summary() => new
    {
        kind = "flash",
        name = options.Name,
        commandLine,
        date = _date,
        machine = _machine,
        passed = Passed,
        parameters = new
        {
            options.Buyers,
            options.Tickets,
            options.TicketTypes,
            options.Quantity,
            rampSeconds = options.Ramp.TotalSeconds,
            options.GatewayMedianMs,
            options.GatewayP99Ms,
            options.GatewayFailureRate,
            gatewaySettingsApplied = options.Target.Embedded,
            options.DeclineRate,
            options.OtpRate,
            otpThinkSeconds = options.OtpThink.TotalSeconds,
            modes = options.Modes.Select(m => m.ToString()),
            storage = options.Target.Storage.ToString(),
            deployment = options.Target.Target is null ? options.Target.Deployment.ToString() : "Target",
            timeoutSeconds = options.Timeout.TotalSeconds,
            options.Retries,
            pollSeconds = options.Poll.TotalSeconds,
            finalDeadlineSeconds = options.FinalDeadline.TotalSeconds,
            options.GraceSeconds,
            options.Seed,
        },
        modes = results.Select(r => new
        {
            mode = r.Mode.ToString(),
            system = r.System,
            passed = r.Passed,
            outcomes = new
            {
                arrived = r.Tally.Arrived,
                answered = r.Tally.Answered,
                accepted = r.Accepted,
                accepted202 = r.Tally.Outcome(AnswerKind.Accepted),
                final200 = r.Tally.Outcome(AnswerKind.Final),
                soldOut = r.Tally.Outcome(AnswerKind.SoldOut),
                refused = r.Tally.Refusals,
                unavailableWithoutRetryAfter = r.Tally.Outcome(AnswerKind.UnavailableWithoutRetryAfter),
                serverErrors = r.Tally.Outcome(AnswerKind.ServerError),
                serverTimeouts = r.Tally.Outcome(AnswerKind.ServerTimeout),
                clientTimeouts = r.Tally.Outcome(AnswerKind.ClientTimeout),
                connectionErrors = r.Tally.Outcome(AnswerKind.ConnectionError),
                retried429 = r.Tally.Retries(AnswerKind.RateLimited),
                retried503 = r.Tally.Retries(AnswerKind.Overloaded),
                finals = r.Tally.FinalsByStatus,
                notFinal = r.Tally.NotFinal,
                pollErrors = r.Tally.PollErrors,
                otpAnswered = r.Tally.OtpAnswered,
                otpRefused = r.Tally.OtpFailed,
                acquiredTickets = r.Tally.AcquiredTickets,
                sold = r.Sold,
                capacity = r.Capacity,
            },
            latencyMs = new
            {
                answer = r.Tally.AnswerLatency.Summarize(),
                final = r.Tally.FinalLatency.Summarize(),
                soldOut = r.Tally.SoldOutLatency.Summarize(),
            },
            firstSoldOutSeconds = r.Tally.FirstSoldOut?.TotalSeconds,
            lastAcceptedSeconds = r.Tally.LastAccepted?.TotalSeconds,
            saleSeconds = r.Length.TotalSeconds,
            perSecond = r.Tally.Series(Seconds(r)),
            host = new
            {
                peakThreads = r.PeakThreads,
                peakRssMb = Math.Round(r.PeakRssMb, 1),
                meanCpuPercent = Math.Round(r.MeanCpuPercent, 1),
                warnings = r.HostWarnings,
                samples = r.Samples,
            },
            invariants = r.Invariants,
            checks = r.Checks,
            targets = r.Goals,
        }),
    };

    private IReadOnlyList<string> Row(string name, Func<FlashModeResult, string> value) => [name, .. results.Select(value)];

    private static IReadOnlyList<string> LatencyRow(FlashModeResult r, string measure, Percentiles p) =>
        [r.Mode.ToString(), measure, N(p.Count), Ms(p.P50), Ms(p.P90), Ms(p.P99), Ms(p.P999), Ms(p.Max)];

    private static int Seconds(FlashModeResult r) => (int)Math.Ceiling(r.Length.TotalSeconds);

    private static string Seconds(TimeSpan t) => F($"{t.TotalSeconds:0.###} s");

    private static string Ms(double ms) => ms >= 100 ? F($"{ms:N0}") : F($"{ms:N1}");

    private static string N(double value) => Reporting.Markdown.N(value);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
