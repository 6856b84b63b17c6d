using System.Diagnostics;

namespace BoxOffice.LoadTest.Hosts;

/// <summary>
/// The system one run drives, whichever kind: its address, the signing key and organizer password
/// the tool needs (never printed), the processes to sample, and how to let it go at the end.
/// </summary>
internal sealed class Target : IAsyncDisposable
{
    private readonly EmbeddedHost? _host;
    private readonly string? _stopScript;

    private Target(string description, Uri address, string signingKey, string organizerPassword, IReadOnlyList<int> pids,
        EmbeddedHost? host = null, string? stopScript = null)
    {
        Description = description;
        Address = address;
        SigningKey = signingKey;
        OrganizerPassword = organizerPassword;
        Pids = pids;
        _host = host;
        _stopScript = stopScript;
    }

    public string Description { get; }

    public Uri Address { get; }

    public string SigningKey { get; }

    public string OrganizerPassword { get; }

    /// <summary>The processes whose threads, memory and CPU are sampled (summed); none when unknown.</summary>
    public IReadOnlyList<int> Pids { get; }

    /// <summary>The started host's warnings (null when the tool did not start it).</summary>
    public int? Warnings => _host?.Warnings;

    /// <summary>Starts, or finds, what <paramref name="options"/> names and waits until it is ready.</summary>
    public static async Task<Target> StartAsync(TargetOptions options, HostSettings settings, string logPath, HttpClient http, CancellationToken ct)
    {
        if (options.Target is { } url)
        {
            if (!await Probe.ReadyAsync(http, url, ct))
            {
                throw new InvalidOperationException($"{url} does not answer 200 on /health/ready.");
            }

            return new Target($"the running host at {url}", url, options.SigningKey!, options.OrganizerPassword!,
                options.HostPid is { } pid ? [pid] : []);
        }

        if (options.Deployment == DeploymentKind.Distributed)
        {
            return await DistributedAsync(http, ct);
        }

        var host = EmbeddedHost.Start(settings, logPath);
        try
        {
            await host.WaitReadyAsync(http, TimeSpan.FromSeconds(180), ct);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        var storage = settings.Storage == Storage.Postgres ? "PostgreSQL" : "SQLite";
        return new Target($"a throwaway embedded host (pid {host.Pid}, {storage}, {settings.Mode?.ToString() ?? "default mode"})",
            host.Address, host.SigningKey, host.OrganizerPassword, [host.Pid], host);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_stopScript is not null)
        {
            await RunScriptAsync(_stopScript, CancellationToken.None);
        }
    }

    /// <summary>
    /// The distributed deployment behind its gateway on http://localhost:5080: used as it is when it
    /// runs, else brought up with scripts/distributed-up.sh and down again at the end. Its secrets
    /// come from .distributed/secrets.env, its processes from .distributed/pids/.
    /// </summary>
    private static async Task<Target> DistributedAsync(HttpClient http, CancellationToken ct)
    {
        var root = RepositoryRoot.Find();
        var gateway = new Uri("http://localhost:5080");
        string? stop = null;
        if (!await Probe.ReadyAsync(http, gateway, ct))
        {
            await RunScriptAsync(Path.Combine(root, "scripts", "distributed-up.sh"), ct);
            stop = Path.Combine(root, "scripts", "distributed-down.sh");
        }

        var secrets = (await File.ReadAllLinesAsync(Path.Combine(root, ".distributed", "secrets.env"), ct))
            .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.TrimStart().StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim().Trim('"', '\''), StringComparer.Ordinal);
        var pids = Directory.EnumerateFiles(Path.Combine(root, ".distributed", "pids"), "*.pid")
            .Select(file => int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .ToList();
        return new Target($"the distributed deployment behind http://localhost:5080 ({pids.Count} processes{(stop is null ? "" : ", brought up for this run")})",
            gateway, secrets["AUTH_SIGNING_KEY"], secrets["SEED_ORGANIZER_PASSWORD"], pids, stopScript: stop);
    }

    private static async Task RunScriptAsync(string script, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { UseShellExecute = false, WorkingDirectory = RepositoryRoot.Find() })
            ?? throw new InvalidOperationException($"Could not run {script}.");
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} exited with code {process.ExitCode}.");
        }
    }
}

internal static class RepositoryRoot
{
    /// <summary>The checkout this tool runs from: the first folder up from the working folder, or else from the tool, that holds BoxOffice.slnx.</summary>
    public static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "BoxOffice.slnx")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException("Not inside a BoxOffice checkout (no BoxOffice.slnx above the working folder or the tool).");
    }
}
