using System.Diagnostics;
using System.Globalization;

namespace BoxOffice.LoadTest.Hosts;

/// <summary>One second's reading of the sampled processes (summed) and of the load tool itself.</summary>
/// <param name="Seconds">Since the sampler started.</param>
/// <param name="Threads">Threads of the sampled processes.</param>
/// <param name="RssMb">Their resident memory.</param>
/// <param name="CpuPercent">Their CPU time over the last interval, in percent of one core (200 = both of 2 cores).</param>
/// <param name="ToolCpuPercent">The load tool's own, the same way: it shares the cores.</param>
internal sealed record ProcessSample(double Seconds, int Threads, double RssMb, double CpuPercent, double ToolCpuPercent);

/// <summary>
/// Reads <c>/proc/&lt;pid&gt;/status</c> (Threads, VmRSS) and <c>/proc/&lt;pid&gt;/stat</c>
/// (utime + stime) of the processes under load once per interval. Linux only: elsewhere it records nothing.
/// </summary>
internal sealed class ProcessSampler : IAsyncDisposable
{
    // USER_HZ: the unit of utime and stime, 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;
    private readonly IReadOnlyList<int> _pids;
    private readonly List<ProcessSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _stopped;

    public ProcessSampler(IReadOnlyList<int> pids, TimeSpan interval)
    {
        _pids = pids;
        _loop = OperatingSystem.IsLinux() ? RunAsync(interval, _stop.Token) : Task.CompletedTask;
    }

    public ProcessSample? Latest
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == 0 ? null : _samples[^1];
            }
        }
    }

    public IReadOnlyList<ProcessSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Stops sampling (again is harmless); <see cref="Samples"/> keeps what was read.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var lastAt = clock.Elapsed.TotalSeconds;
        var lastTicks = CpuTicks(_pids);
        var lastTool = CpuTicks([Environment.ProcessId]);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var at = clock.Elapsed.TotalSeconds;
                var ticks = CpuTicks(_pids);
                var tool = CpuTicks([Environment.ProcessId]);
                var (threads, rssKb) = Status(_pids);
                var span = Math.Max(at - lastAt, 1e-3);
                var sample = new ProcessSample(at, threads, rssKb / 1024.0,
                    (ticks - lastTicks) / TicksPerSecond / span * 100, (tool - lastTool) / TicksPerSecond / span * 100);
                (lastAt, lastTicks, lastTool) = (at, ticks, tool);
                lock (_samples)
                {
                    _samples.Add(sample);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    /// <summary>The CPU time the processes used so far, in clock ticks (a process that is gone counts 0).</summary>
    public static long CpuTicks(IEnumerable<int> pids)
    {
        long total = 0;
        foreach (var pid in pids)
        {
            var stat = Read($"/proc/{pid}/stat");
            if (stat is null)
            {
                continue;
            }

            // The command name, in parentheses, may hold spaces: count fields after its closing one.
            // There the state is field 3, so utime (14) and stime (15) are the 12th and 13th.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }

        return total;
    }

    private static (int Threads, long RssKb) Status(IEnumerable<int> pids)
    {
        var threads = 0;
        long rss = 0;
        foreach (var pid in pids)
        {
            var status = Read($"/proc/{pid}/status");
            foreach (var line in status?.Split('\n') ?? [])
            {
                if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads += int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss += long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                }
            }
        }

        return (threads, rss);
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
