using System.Diagnostics;
using System.Globalization;
using BoxOffice.LoadTest.Accept;
using BoxOffice.LoadTest.Api;
using BoxOffice.LoadTest.Ceiling;
using BoxOffice.LoadTest.Hosts;
using BoxOffice.LoadTest.Reporting;

namespace BoxOffice.LoadTest.Flash;

/// <summary>
/// The <c>flash</c> verb: per mode, a fresh host (or the deployment), one event of
/// <c>--tickets</c> tickets, <c>--buyers</c> buyers arriving evenly over <c>--ramp</c> whatever the
/// answers (open loop), each reserving and then following its reservation to the end; then the
/// invariants and the availability, and a report of both modes side by side.
/// </summary>
internal static class FlashSale
{
    public static async Task<int> RunAsync(Arguments args, string commandLine, CancellationToken ct)
    {
        var options = FlashOptions.From(args);
        args.ThrowOnUnknown();
        var folder = RunFolder.Create(options.Out, options.Name);
        Console.WriteLine($"Flash sale: {options.Buyers:N0} buyers for {options.Tickets:N0} tickets over {options.Ramp.TotalSeconds:0.###} s, " +
            $"{string.Join(" then ", options.Modes)}; report in {folder}");
        var ceilings = options.Ceilings > TimeSpan.Zero ? await CeilingsAsync(options.Ceilings, ct) : [];
        var results = new List<FlashModeResult>();
        foreach (var mode in options.Modes)
        {
            results.Add(await RunModeAsync(options, mode, folder, ct));
        }

        var report = new FlashReport(options, results, commandLine, folder);
        report.Write();
        if (ceilings.Count > 0)
        {
            var section = CeilingsSection(ceilings, results);
            await File.AppendAllTextAsync(Path.Combine(folder, "report.md"), section, ct);
            Console.Write(section);
        }

        report.PrintSummary();
        return results.All(r => r.Passed) ? 0 : 1;
    }

    /// <summary>
    /// The same-run ceilings: a bare 202 endpoint and a group-committed SQLite insert, each its own
    /// process, driven closed-loop by this tool's client with 256 connections for <paramref name="duration"/>.
    /// </summary>
    private static async Task<IReadOnlyList<LoopResult>> CeilingsAsync(TimeSpan duration, CancellationToken ct)
    {
        using var http = Http.Create();
        var callers = Enumerable.Repeat("not-checked-by-the-ceiling", 256).ToArray();
        var measured = new List<LoopResult>();
        foreach (var kind in new[] { CeilingKind.Noop, CeilingKind.Commit })
        {
            await using var ceiling = await CeilingProcess.StartAsync(kind, http, ct);
            Console.WriteLine($"same-run ceiling: {kind}…");
            var result = await ClosedLoop.MeasureAsync(kind.ToString().ToLowerInvariant(), new Uri(ceiling.Address, "/reserve"), Guid.NewGuid(),
                callers, false, callers.Length, duration, TimeSpan.FromSeconds(30), [ceiling.Pid], ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {result.Target}: {result.PerSecond:N0}/s, p99 {result.Latency.P99:N1} ms"));
            measured.Add(result);
        }

        return measured;
    }

    /// <summary>The ceilings, and each mode's answers per second (mean over the sale, and its peak second) as a share of them.</summary>
    private static string CeilingsSection(IReadOnlyList<LoopResult> ceilings, IReadOnlyList<FlashModeResult> results)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine().AppendLine("## Same-run ceilings").AppendLine()
            .AppendLine("Measured just before the sale on the same machine with this tool's client (closed loop, 256 connections): a bare 202 endpoint (noop) and one answering after its row is group-committed to SQLite (commit). BoxOffice's answers per second are every answer to `POST /api/reservations` (202, 200, 409 …).")
            .AppendLine()
            .AppendLine("| ceiling | requests/s | p99 ms | " + string.Join(" | ", results.Select(r => $"{r.Mode}: mean answers/s over the sale as % | {r.Mode}: peak second as %")) + " |")
            .AppendLine("|---|---:|---:|" + string.Concat(results.Select(_ => "---:|---:|")));
        foreach (var c in ceilings)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {c.Target} | {c.PerSecond:N0} | {c.Latency.P99:N1} |");
            foreach (var r in results)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling(r.Length.TotalSeconds));
                var mean = r.Tally.Answered / Math.Max(r.Length.TotalSeconds, 1);
                var peak = r.Tally.Series(seconds).Answers.DefaultIfEmpty(0).Max();
                text.Append(CultureInfo.InvariantCulture, $" {Share(mean, c.PerSecond)} | {Share(peak, c.PerSecond)} |");
            }

            text.AppendLine();
        }

        return text.ToString();

        static string Share(double value, double ceiling) =>
            ceiling <= 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{value:N0}/s = {100 * value / ceiling:N1} %");
    }

    private static async Task<FlashModeResult> RunModeAsync(FlashOptions options, TicketsMode mode, string folder, CancellationToken ct)
    {
        using var http = Http.Create(options.Connections);
        var settings = new HostSettings(mode, options.GatewayMedianMs, options.GatewayP99Ms, options.GatewayFailureRate, options.Target.Storage, options.Target.Postgres);
        Console.WriteLine($"[{mode}] starting the system under test…");
        await using var target = await Target.StartAsync(options.Target, settings, Path.Combine(folder, $"host-{mode}.log"), http, ct);
        var api = new BoxOfficeApi(http, target.Address);
        var organizer = await api.LoginAsync(BoxOfficeApi.OrganizerEmail, target.OrganizerPassword, ct);
        var capacities = options.Capacities;
        var types = await api.CreateEventAsync(organizer, $"Flash sale {options.Name} {mode}", capacities, options.Quantity, ct);

        Console.WriteLine($"[{mode}] minting {options.Buyers:N0} buyer tokens…");
        var buyers = MakeBuyers(options, target.SigningKey, types);

        var finalDeadline = options.Ramp + options.FinalDeadline;
        var tally = new FlashTally(finalDeadline + options.Timeout * (options.Retries + 1) + TimeSpan.FromSeconds(options.Retries * 60 + 30));
        var journey = new BuyerJourney(api, options, tally, mode, finalDeadline);
        await using var sampler = new ProcessSampler(target.Pids, TimeSpan.FromSeconds(1));
        tally.Clock.Start();
        var sale = DriveAsync(buyers, journey, options.Ramp, tally, ct);
        await LiveProgress.ShowAsync($"{options.Name} · {mode}", () => Figures(tally, sampler), sale);
        await sale;
        var saleLength = tally.Clock.Elapsed;

        Console.WriteLine($"[{mode}] waiting for every consumer to catch up (at most 60 s)…");
        var quiet = Stopwatch.StartNew();
        var quiescent = await api.QuiescentAsync(organizer, TimeSpan.FromSeconds(60), ct);
        Console.WriteLine(quiescent
            ? $"[{mode}] every consumer caught up {quiet.Elapsed.TotalSeconds:0.0} s after the sale"
            : $"[{mode}] consumers still behind after 60 s: the invariants are checked anyway");
        Console.WriteLine($"[{mode}] checking the invariants and the availability…");
        var invariants = await api.InvariantsAsync(organizer, options.GraceSeconds, ct);
        // A subscription's lag can read 0 an instant before the last events reach it: a broken
        // invariant is checked again for up to 30 s of quiet. One that still breaks then is reported.
        var settling = Stopwatch.StartNew();
        while (invariants is { Checked: true, Holds: false } && settling.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            await api.QuiescentAsync(organizer, TimeSpan.FromSeconds(10), ct);
            invariants = await api.InvariantsAsync(organizer, options.GraceSeconds, ct);
        }

        if (settling.Elapsed >= TimeSpan.FromSeconds(1))
        {
            Console.WriteLine($"[{mode}] invariants checked again for {settling.Elapsed.TotalSeconds:0.0} s: {invariants.Summary}");
        }
        var availability = await api.TicketTypesAsync(ct);
        var available = types.Sum(t => availability.TryGetValue(t, out var a) ? a.Available : 0);
        await sampler.DisposeAsync();
        return new FlashModeResult(mode, target.Description, options.Target.Embedded, tally, sampler.Samples, invariants,
            capacities.Sum(), capacities.Sum() - available, saleLength, target.Warnings);
    }

    /// <summary>Every buyer, made before the sale so minting costs nothing during it: token, ticket type (round robin), card (by the seed).</summary>
    private static Buyer[] MakeBuyers(FlashOptions options, string signingKey, IReadOnlyList<Guid> types)
    {
        using var tokens = new BuyerTokens(signingKey);
        var minted = tokens.Mint(options.Buyers);
        var random = new Random(options.Seed);
        return [.. minted.Select((token, i) =>
        {
            var card = random.NextDouble();
            var payment = card < options.DeclineRate ? Buyer.Declined
                : card < options.DeclineRate + options.OtpRate ? Buyer.ThreeDSecure
                : Buyer.Visa;
            return new Buyer(token, types[i % types.Count], payment);
        })];
    }

    /// <summary>Starts buyer i at ramp·i/buyers, whether or not earlier buyers have their answers (open loop).</summary>
    private static async Task DriveAsync(Buyer[] buyers, BuyerJourney journey, TimeSpan ramp, FlashTally tally, CancellationToken ct)
    {
        var running = new Task[buyers.Length];
        var next = 0;
        while (next < buyers.Length)
        {
            var now = tally.Clock.Elapsed;
            while (next < buyers.Length && ramp * next / buyers.Length <= now)
            {
                var buyer = buyers[next];
                running[next++] = Task.Run(() => journey.RunAsync(buyer, ct), ct);
            }

            if (next < buyers.Length)
            {
                await Task.Delay(1, ct);
            }
        }

        await Task.WhenAll(running);
    }

    private static IReadOnlyList<(string, string)> Figures(FlashTally tally, ProcessSampler sampler)
    {
        var host = sampler.Latest;
        var acquired = tally.Final("Acquired");
        return
        [
            ("elapsed", $"{tally.Clock.Elapsed.TotalSeconds:N1} s"),
            ("arrived", N(tally.Arrived)),
            ("answered", N(tally.Answered)),
            ("accepted", N(tally.Outcome(AnswerKind.Accepted) + tally.Outcome(AnswerKind.Final))),
            ("sold out", N(tally.Outcome(AnswerKind.SoldOut))),
            ("429 / 503 (retried)", $"{N(tally.Retries(AnswerKind.RateLimited) + tally.Outcome(AnswerKind.RateLimited))} / {N(tally.Retries(AnswerKind.Overloaded) + tally.Outcome(AnswerKind.Overloaded))}"),
            ("errors", N(tally.Errors - tally.Outcome(AnswerKind.ClientTimeout) - tally.Outcome(AnswerKind.ServerTimeout) + tally.PollErrors)),
            ("timeouts", N(tally.Outcome(AnswerKind.ClientTimeout) + tally.Outcome(AnswerKind.ServerTimeout))),
            ("final acquired / released", $"{N(acquired)} / {N(tally.Finals - acquired)}"),
            ("answers/s", N(tally.AnswersLastSecond())),
            ("host threads", host is null ? "–" : N(host.Threads)),
            ("host CPU %", host is null ? "–" : host.CpuPercent.ToString("N0", CultureInfo.InvariantCulture)),
            ("host RSS MB", host is null ? "–" : host.RssMb.ToString("N0", CultureInfo.InvariantCulture)),
        ];
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
