using System.Diagnostics;
using System.Globalization;
using BoxOffice.LoadTest.Api;
using BoxOffice.LoadTest.Ceiling;
using BoxOffice.LoadTest.Hosts;
using BoxOffice.LoadTest.Reporting;

namespace BoxOffice.LoadTest.Accept;

/// <summary>
/// The <c>accept</c> verb: the accept path's throughput against its ceilings. Each round drives, with
/// the same closed loop, (a) the noop ceiling, (b) the commit ceiling, (c) BoxOffice's
/// <c>POST /api/reservations</c> on one hot ticket type of 1,000,000 tickets, every request a
/// different buyer (minted before the phase), with every consumer of the host running. Between a
/// BoxOffice phase and the next round the host is left to finish the payments it accepted, so its
/// background work does not weigh on the next ceilings.
/// </summary>
internal static class AcceptThroughput
{
    /// <summary>The issue's target: BoxOffice at half the commit ceiling at least, with p99 ≤ 50 ms.</summary>
    private const double TargetShareOfCommit = 0.5;
    private const double TargetP99Ms = 50;

    public static async Task<int> RunAsync(Arguments args, string commandLine, CancellationToken ct)
    {
        var connections = args.Int("--connections", 256, 1, 10_000);
        var duration = args.Duration("--duration", TimeSpan.FromSeconds(15));
        var rounds = args.Int("--rounds", 3, 1, 100);
        var warmup = args.Duration("--warmup", TimeSpan.Zero);
        var settle = args.Duration("--settle", TimeSpan.FromSeconds(60));
        var timeout = args.Duration("--timeout", TimeSpan.FromSeconds(30));
        var targetOptions = TargetOptions.From(args);
        var settings = HostSettings.Default(targetOptions) with
        {
            GatewayMedianMs = args.Int("--gateway-median-ms", 300, 0, 600_000),
            GatewayP99Ms = args.Int("--gateway-p99-ms", 3000, 0, 600_000),
        };
        var folder = RunFolder.Create(args.Text("--out", "bench/results"), args.Text("--name", "accept"));
        args.ThrowOnUnknown();
        // At most this many reservations per second are expected of BoxOffice here; the buyers of a phase are minted for it.
        var buyersPerPhase = (int)Math.Min(2_000_000, (duration + warmup).TotalSeconds * 20_000 + connections);

        Console.WriteLine($"Accept: {connections} connections, {duration.TotalSeconds:0.#} s per target, {rounds} round(s); report in {folder}");
        using var http = Http.Create();
        await using var target = await Target.StartAsync(targetOptions, settings, Path.Combine(folder, "host.log"), http, ct);
        var api = new BoxOfficeApi(http, target.Address);
        var organizer = await api.LoginAsync(BoxOfficeApi.OrganizerEmail, target.OrganizerPassword, ct);
        var ticketType = (await api.CreateEventAsync(organizer, "Accept throughput", [1_000_000], 1, ct))[0];
        using var minting = new BuyerTokens(target.SigningKey);
        var ceilingBuyers = minting.Mint(connections);
        await using var sampler = new ProcessSampler(target.Pids, TimeSpan.FromSeconds(1));

        var results = new List<AcceptRound>();
        for (var round = 1; round <= rounds; round++)
        {
            var phases = new List<LoopResult>();
            foreach (var kind in new[] { CeilingKind.Noop, CeilingKind.Commit })
            {
                await using var ceiling = await CeilingProcess.StartAsync(kind, http, ct);
                var reserve = new Uri(ceiling.Address, "/reserve");
                if (warmup > TimeSpan.Zero)
                {
                    await ClosedLoop.RunAsync("warm-up", reserve, ticketType, ceilingBuyers, false, connections, warmup, timeout, ct);
                }

                Console.WriteLine($"round {round}: {kind} ceiling…");
                phases.Add(await ClosedLoop.MeasureAsync(kind.ToString().ToLowerInvariant(), reserve, ticketType, ceilingBuyers, false, connections, duration, timeout, [ceiling.Pid], ct));
                Console.WriteLine("  " + Line(phases[^1]));
            }

            Console.WriteLine($"round {round}: minting {buyersPerPhase:N0} buyers for BoxOffice…");
            var buyers = minting.Mint(buyersPerPhase);
            var reservations = new Uri(target.Address, "/api/reservations");
            var rest = buyers;
            if (warmup > TimeSpan.Zero)
            {
                var warm = await ClosedLoop.RunAsync("warm-up", reservations, ticketType, buyers, true, connections, warmup, timeout, ct);
                rest = buyers[(int)Math.Min(buyers.Length, warm.Accepted + warm.Others.Values.Sum())..];
            }

            Console.WriteLine($"round {round}: BoxOffice…");
            var startedAt = sampler.Latest?.Seconds ?? 0;
            phases.Add(await ClosedLoop.MeasureAsync("BoxOffice", reservations, ticketType, rest, true, connections, duration, timeout, target.Pids, ct));
            Console.WriteLine("  " + Line(phases[^1]));
            var during = sampler.Samples.Where(s => s.Seconds > startedAt).ToList();
            var settled = await SettleAsync(sampler, settle, ct);
            results.Add(new AcceptRound(round, phases[0], phases[1], phases[2],
                during.Count == 0 ? 0 : during.Max(s => s.RssMb), during.Count == 0 ? 0 : during.Max(s => s.Threads), settled));
        }

        var report = new AcceptReport(commandLine, folder, connections, duration, warmup, target.Description, results, TargetShareOfCommit, TargetP99Ms);
        report.Write();
        report.Print();
        return 0;
    }

    /// <summary>Waits until the host is quiet (under 20% of a core for two samples running), at most <paramref name="limit"/>; how long it took.</summary>
    private static async Task<TimeSpan?> SettleAsync(ProcessSampler sampler, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var quiet = 0;
        while (clock.Elapsed < limit)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            quiet = sampler.Latest is { CpuPercent: < 20 } ? quiet + 1 : 0;
            if (quiet >= 2)
            {
                return clock.Elapsed;
            }
        }

        return limit == TimeSpan.Zero ? TimeSpan.Zero : null;
    }

    private static string Line(LoopResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Target}: {r.PerSecond:N0} accepted/s, p50 {r.Latency.P50:N1} / p90 {r.Latency.P90:N1} / p99 {r.Latency.P99:N1} ms, other answers: {r.OthersText}{(r.RanOutOfBuyers ? " (ran out of buyers)" : "")}; CPU server {r.ServerCpuPercent:N0}%, tool {r.ToolCpuPercent:N0}%");
}

/// <summary>One round: the three targets, the host's peaks during its phase, and how long it took to quieten after.</summary>
internal sealed record AcceptRound(int Round, LoopResult Noop, LoopResult Commit, LoopResult BoxOffice, double PeakRssMb, double PeakThreads, TimeSpan? Settled)
{
    public double ShareOfNoop => Noop.PerSecond == 0 ? 0 : BoxOffice.PerSecond / Noop.PerSecond;

    public double ShareOfCommit => Commit.PerSecond == 0 ? 0 : BoxOffice.PerSecond / Commit.PerSecond;
}
