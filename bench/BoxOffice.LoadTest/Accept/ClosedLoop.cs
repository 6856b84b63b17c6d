using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BoxOffice.LoadTest.Api;
using BoxOffice.LoadTest.Reporting;

namespace BoxOffice.LoadTest.Accept;

/// <summary>What one closed-loop phase measured against one target.</summary>
/// <param name="Target">noop, commit or BoxOffice.</param>
/// <param name="Accepted">2xx answers.</param>
/// <param name="Others">Every other answer, by status or kind.</param>
/// <param name="Elapsed">How long the phase ran.</param>
/// <param name="Latency">Every answer's latency, whatever its status.</param>
/// <param name="RanOutOfBuyers">True when every pre-minted buyer was used before the end (the phase stopped early).</param>
internal sealed record LoopResult(string Target, long Accepted, IReadOnlyDictionary<string, long> Others, TimeSpan Elapsed, Percentiles Latency, bool RanOutOfBuyers)
{
    /// <summary>The server's mean CPU during the phase (100 = one core); null when not sampled.</summary>
    public double? ServerCpuPercent { get; init; }

    /// <summary>The load tool's own mean CPU during the phase: it shares the cores with the server.</summary>
    public double? ToolCpuPercent { get; init; }

    public double PerSecond => Elapsed.TotalSeconds <= 0 ? 0 : Accepted / Elapsed.TotalSeconds;

    public string OthersText => Others.Count == 0 ? "none"
        : string.Join(", ", Others.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Value:N0} {o.Key}")));
}

/// <summary>
/// The same client code for every target: <c>connections</c> loops, each sending the next request as
/// soon as its previous one is answered (closed loop), for <c>duration</c>. Every request is a
/// reservation of one ticket by the next pre-minted buyer; a target that is not BoxOffice ignores who asks.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>Runs the loop while sampling <paramref name="serverPids"/> and the tool itself.</summary>
    public static async Task<LoopResult> MeasureAsync(
        string target, Uri url, Guid ticketType, string[] buyers, bool buyersOnce, int connections, TimeSpan duration, TimeSpan timeout,
        IReadOnlyList<int> serverPids, CancellationToken ct)
    {
        var sampler = new Hosts.ProcessSampler(serverPids, TimeSpan.FromSeconds(1));
        LoopResult result;
        try
        {
            result = await RunAsync(target, url, ticketType, buyers, buyersOnce, connections, duration, timeout, ct);
        }
        finally
        {
            await sampler.DisposeAsync();
        }

        var samples = sampler.Samples;
        return samples.Count == 0 ? result : result with
        {
            ServerCpuPercent = serverPids.Count == 0 ? null : samples.Average(s => s.CpuPercent),
            ToolCpuPercent = samples.Average(s => s.ToolCpuPercent),
        };
    }

    public static async Task<LoopResult> RunAsync(
        string target, Uri url, Guid ticketType, string[] buyers, bool buyersOnce, int connections, TimeSpan duration, TimeSpan timeout, CancellationToken ct)
    {
        using var http = Http.Create(connections);
        var api = new BoxOfficeApi(http, url);
        var histogram = Latency.Create();
        var others = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long accepted = 0;
        var next = -1;
        var ranOut = false;
        var clock = Stopwatch.StartNew();

        async Task LoopAsync()
        {
            while (clock.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref next);
                if (buyersOnce && i >= buyers.Length)
                {
                    ranOut = true;
                    return;
                }

                using var request = BoxOfficeApi.ReserveRequest(url, buyers[i % buyers.Length], ticketType, 1, "tok_visa", null);
                var sent = clock.Elapsed;
                var answer = await api.SendAsync(request, timeout, ct);
                histogram.Record(clock.Elapsed - sent);
                if (answer.Kind is AnswerKind.Accepted or AnswerKind.Final)
                {
                    Interlocked.Increment(ref accepted);
                }
                else
                {
                    others.AddOrUpdate(answer.Label, 1, (_, n) => n + 1);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(LoopAsync, ct)));
        return new LoopResult(target, accepted, others.ToDictionary(StringComparer.Ordinal), clock.Elapsed, histogram.Summarize(), ranOut);
    }
}
