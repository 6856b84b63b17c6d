using System.Diagnostics;
using System.Globalization;
using BoxOffice.LoadTest.Api;
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
        var results = new List<FlashModeResult>();
        foreach (var mode in options.Modes)
        {
            results.Add(await RunModeAsync(options, mode, folder, ct));
        }

        var report = new FlashReport(options, results, commandLine, folder);
        report.Write();
        report.PrintSummary();
        return results.All(r => r.Passed) ? 0 : 1;
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
