using System.Diagnostics;
using System.Globalization;

namespace BoxOffice.LoadTest.Hosts;

/// <summary>
/// The embedded BoxOffice host as a child process, started the way a user starts the built host
/// (<c>dotnet BoxOffice.Host.dll --urls …</c>, from the tool's own output folder, where the project
/// reference puts it), on free loopback ports, with a fresh data folder and secrets made for this
/// run. <see cref="DisposeAsync"/> kills it and removes everything it made, PostgreSQL databases included.
/// </summary>
internal sealed class EmbeddedHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _dataDirectory;
    private readonly HostSettings _settings;
    private readonly string? _databasePrefix;
    private int _warnings;

    private EmbeddedHost(Process process, StreamWriter log, string dataDirectory, HostSettings settings, string? databasePrefix,
        Uri address, string signingKey, string organizerPassword)
    {
        _process = process;
        _log = log;
        _dataDirectory = dataDirectory;
        _settings = settings;
        _databasePrefix = databasePrefix;
        Address = address;
        SigningKey = signingKey;
        OrganizerPassword = organizerPassword;
    }

    public Uri Address { get; }

    public string SigningKey { get; }

    public string OrganizerPassword { get; }

    public int Pid => _process.Id;

    /// <summary>Lines the host logged at Warning or above (it runs at Warning, so every line it writes but its start banner).</summary>
    public int Warnings => Volatile.Read(ref _warnings);

    /// <summary>Starts the host and returns at once (the cold start measures from here); <see cref="WaitReadyAsync"/> waits for it.</summary>
    /// <param name="settings">Mode, gateway simulator and storage.</param>
    /// <param name="logPath">Where its output goes.</param>
    /// <param name="signingKey">The key to sign tokens with; a new one when null (a caller minting tokens before the start passes its own).</param>
    public static EmbeddedHost Start(HostSettings settings, string logPath, string? signingKey = null)
    {
        var dataDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "boxoffice-load", Guid.NewGuid().ToString("N"))).FullName;
        var port = FreePort.Next();
        var gatewayPort = FreePort.Next();
        var key = signingKey ?? Secrets.SigningKey();
        var password = Secrets.OrganizerPassword();
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BoxOffice.Host.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        var environment = info.Environment;
        environment["BoxOffice__DataDirectory"] = dataDirectory;
        environment["Auth__SigningKey"] = key;
        environment["Seed__OrganizerPassword"] = password;
        environment["PaymentGateway__Urls"] = $"http://127.0.0.1:{gatewayPort}";
        environment["PaymentGateway__LatencyMedianMs"] = settings.GatewayMedianMs.ToString(CultureInfo.InvariantCulture);
        environment["PaymentGateway__LatencyP99Ms"] = settings.GatewayP99Ms.ToString(CultureInfo.InvariantCulture);
        environment["PaymentGateway__FailureRate"] = settings.GatewayFailureRate.ToString(CultureInfo.InvariantCulture);
        environment["Logging__LogLevel__Default"] = "Warning";
        environment["Logging__Console__FormatterName"] = "simple";
        if (settings.Mode is { } mode)
        {
            environment["Tickets__Mode"] = mode.ToString();
        }

        string? prefix = null;
        if (settings.Storage == Storage.Postgres)
        {
            prefix = Secrets.DatabasePrefix();
            environment["BoxOffice__Storage"] = "Postgres";
            environment["ConnectionStrings__Postgres"] = settings.Postgres;
            environment["BoxOffice__DatabasePrefix"] = prefix;
        }

        // The host's own settings, never the caller's: a DOTNET_ or ASPNETCORE_ variable of the shell
        // the tool runs in (an environment name, a content root) would make it another host.
        environment.Remove("ASPNETCORE_ENVIRONMENT");
        environment.Remove("DOTNET_ENVIRONMENT");
        environment.Remove("ASPNETCORE_URLS");

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        var host = new EmbeddedHost(process, log, dataDirectory, settings, prefix, new Uri($"http://127.0.0.1:{port}"), key, password);
        process.OutputDataReceived += (_, e) => host.Record(e.Data);
        process.ErrorDataReceived += (_, e) => host.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (every database migrated, every consumer running).</summary>
    public async Task WaitReadyAsync(HttpClient http, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {_process.ExitCode} before it was ready; its output is in {((FileStream)_log.BaseStream).Name}.");
            }

            if (await Probe.ReadyAsync(http, Address, ct))
            {
                return;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The host was not ready after {timeout.TotalSeconds:N0} s; its output is in {((FileStream)_log.BaseStream).Name}.");
            }

            await Task.Delay(10, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing: the OS temp folder is cleaned anyway.
        }

        if (_databasePrefix is not null)
        {
            await PostgresDatabases.DropAsync(_settings.Postgres!, _databasePrefix);
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _warnings);
        }

        lock (_log)
        {
            if (_log.BaseStream.CanWrite)
            {
                _log.WriteLine(line);
            }
        }
    }
}
