using System.Diagnostics;
using System.Globalization;
using BoxOffice.LoadTest.Api;
using BoxOffice.LoadTest.Hosts;
using BoxOffice.LoadTest.Reporting;

namespace BoxOffice.LoadTest.ColdStart;

/// <summary>One cold start: from starting the process to <c>/health/ready</c>, and to the first 202.</summary>
internal sealed record ColdStartRound(int Round, TimeSpan Ready, TimeSpan FirstAccepted, int Attempts);

/// <summary>
/// The <c>coldstart</c> verb: the embedded host started on an empty data folder (so it migrates every
/// database and seeds the demo catalog), timed from the process start to <c>/health/ready</c> and on
/// to the first 202 to <c>POST /api/reservations</c> on a demo event's ticket type that has tickets and
/// no age limit, by a buyer whose token was minted before the start.
/// </summary>
internal static class ColdStartTimer
{
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(Arguments args, string commandLine, CancellationToken ct)
    {
        var rounds = args.Int("--rounds", 3, 1, 100);
        var targetOptions = TargetOptions.From(args);
        var folder = RunFolder.Create(args.Text("--out", "bench/results"), args.Text("--name", "coldstart"));
        args.ThrowOnUnknown();
        if (!targetOptions.Embedded)
        {
            throw new UsageException("coldstart starts the embedded host itself: --target and --deployment do not apply.");
        }

        using var http = Http.Create();
        var results = new List<ColdStartRound>();
        for (var round = 1; round <= rounds; round++)
        {
            var key = Secrets.SigningKey();
            string buyer;
            using (var tokens = new BuyerTokens(key))
            {
                buyer = tokens.Mint();
            }

            var clock = Stopwatch.StartNew();
            await using var host = EmbeddedHost.Start(HostSettings.Default(targetOptions), Path.Combine(folder, $"host-{round}.log"), key);
            await host.WaitReadyAsync(http, TimeSpan.FromSeconds(180), ct);
            var ready = clock.Elapsed;
            var (accepted, attempts) = await FirstAcceptedAsync(new BoxOfficeApi(http, host.Address), buyer, clock, ct);
            results.Add(new ColdStartRound(round, ready, accepted, attempts));
            Console.WriteLine(F($"round {round}: ready after {ready.TotalMilliseconds:N0} ms, first 202 after {accepted.TotalMilliseconds:N0} ms ({attempts} request(s))"));
        }

        Write(folder, commandLine, results);
        var median = Median(results.Select(r => r.FirstAccepted.TotalMilliseconds));
        Console.WriteLine();
        Console.WriteLine($"Report: {Path.Combine(folder, "report.md")}");
        Console.WriteLine(F($"median of {rounds}: ready {Median(results.Select(r => r.Ready.TotalMilliseconds)):N0} ms, first 202 {median:N0} ms: target ≤ {Target.TotalMilliseconds:N0} ms {(median <= Target.TotalMilliseconds ? "met" : "missed")}"));
        return 0;
    }

    /// <summary>Finds a ticket type on sale and reserves one ticket until it is accepted (the catalog may be seeded just after readiness).</summary>
    private static async Task<(TimeSpan At, int Attempts)> FirstAcceptedAsync(BoxOfficeApi api, string buyer, Stopwatch clock, CancellationToken ct)
    {
        var attempts = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            var types = await api.TicketTypesAsync(ct);
            var onSale = types.FirstOrDefault(t => t.Value.Available > 0 && t.Value.MinimumAge == 0).Key;
            if (onSale != Guid.Empty)
            {
                attempts++;
                var answer = await api.ReserveAsync(buyer, onSale, 1, "tok_visa", null, TimeSpan.FromSeconds(30), ct);
                if (answer.Kind == AnswerKind.Accepted)
                {
                    return (clock.Elapsed, attempts);
                }
            }

            await Task.Delay(20, ct);
        }

        throw new TimeoutException("No reservation was accepted within 120 s of the start.");
    }

    private static void Write(string folder, string commandLine, IReadOnlyList<ColdStartRound> results)
    {
        var machine = Machine.Current();
        var readyMedian = Median(results.Select(r => r.Ready.TotalMilliseconds));
        var firstMedian = Median(results.Select(r => r.FirstAccepted.TotalMilliseconds));
        var met = firstMedian <= Target.TotalMilliseconds;
        var md = new Markdown().Heading("Cold start", 1)
            .Bullet($"command: `{commandLine}`")
            .Bullet($"date: {DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)}")
            .Bullet($"machine: {machine}")
            .Bullet("the embedded host (`dotnet BoxOffice.Host.dll`, Release) on an empty data folder each round: it migrates every database and seeds the demo catalog; timed from starting the process")
            .Line()
            .Table(["round", "process start → /health/ready", "process start → first 202", "reserve requests"],
                [.. results.Select(r => (IReadOnlyList<string>)[N(r.Round), F($"{r.Ready.TotalMilliseconds:N0} ms"), F($"{r.FirstAccepted.TotalMilliseconds:N0} ms"), N(r.Attempts)]),
                    ["median", F($"{readyMedian:N0} ms"), F($"{firstMedian:N0} ms"), ""]], 1)
            .Heading("Target of the issue")
            .Table(["target", "result", "figure"], [[F($"first 202 ≤ {Target.TotalSeconds:N0} s after the process starts (median)"), met ? "met" : "missed", F($"{firstMedian:N0} ms")]]);
        File.WriteAllText(Path.Combine(folder, "report.md"), md.ToString());
        Json.Write(Path.Combine(folder, "summary.json"), new
        {
            kind = "coldstart",
            commandLine,
            date = DateTimeOffset.Now,
            machine,
            rounds = results.Select(r => new { r.Round, readyMs = r.Ready.TotalMilliseconds, firstAcceptedMs = r.FirstAccepted.TotalMilliseconds, r.Attempts }),
            median = new { readyMs = readyMedian, firstAcceptedMs = firstMedian },
            target = new { firstAcceptedMs = Target.TotalMilliseconds, met },
        });
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string N(double value) => Markdown.N(value);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
