using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BoxOffice.Distributed.Tests.Support;

/// <summary>
/// One process of the deployment (a service instance, the payment gateway simulator or the API
/// gateway), started from its own build output the way an operator starts it, on a port of its own.
/// It can be killed with SIGKILL and started again on the same port and data folder.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string _project;
    private readonly IReadOnlyList<string> _arguments;
    private readonly Dictionary<string, string> _environment;
    private readonly StringBuilder _output = new();
    private readonly string _readiness;
    private Process? _process;

    public ServiceProcess(
        string name, string project, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string readiness = "/health/ready")
    {
        _readiness = readiness;
        Name = name;
        _project = project;
        _arguments = arguments;
        _environment = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        Url = new Uri($"http://127.0.0.1:{FreePort()}");
    }

    /// <summary>The process's name in the deployment: <c>tickets-1</c>, <c>gateway</c> …</summary>
    public string Name { get; }

    public Uri Url { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything it printed (every start), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Its last <paramref name="count"/> log entries at warning level or above (the console logger's
    /// <c>warn:</c>, <c>fail:</c> and <c>crit:</c> lines with the indented lines under them), for a
    /// failure message that must stay readable.
    /// </summary>
    public IReadOnlyList<string> Problems(int count)
    {
        var entries = new List<string>();
        StringBuilder? entry = null;
        foreach (var line in Output.Split(Environment.NewLine))
        {
            if (line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
            {
                Close();
                entry = new StringBuilder(line);
            }
            else if (entry is not null && line.StartsWith(' '))
            {
                entry.Append(" | ").Append(line.Trim());
            }
            else
            {
                Close();
            }
        }

        Close();
        return entries.TakeLast(count).ToList();

        void Close()
        {
            if (entry is not null)
            {
                entries.Add(entry.ToString());
                entry = null;
            }
        }
    }

    /// <summary>Sets an environment variable for the next start.</summary>
    public void SetEnvironment(string key, string value) => _environment[key] = value;

    /// <summary>Starts it and waits until its readiness path answers 200 (a deadline, not a pause).</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Artifacts.Dll(_project))!,
        };
        info.ArgumentList.Add(Artifacts.Dll(_project));
        foreach (var argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(Url.ToString().TrimEnd('/'));
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in _environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        Record($"---- {Name}: starting {_project} on {Url}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        // Longer than the service's own health checks may take (10 s each), so a slow check still
        // answers; what the last probe got is kept for the message when it never gets ready.
        using var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(15) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        var last = "no answer yet";
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} while starting:{Environment.NewLine}{Output}");
            }

            try
            {
                using var ready = await client.GetAsync(new Uri(_readiness, UriKind.Relative), ct);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync(ct)}";
            }
            catch (HttpRequestException ex)
            {
                // Not listening yet.
                last = ex.Message;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // A slow answer while it starts.
                last = $"no answer within {client.Timeout.TotalSeconds:0} s";
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} was not ready within 120 s; its {_readiness} last said: {last}{Environment.NewLine}{Output}");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>kill -9: no shutdown hooks, no flush, no goodbye to the broker.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Record($"---- {Name}: killed (SIGKILL)");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Where the build put the programs the deployment runs (the repository's artifacts folder).</summary>
public static class Artifacts
{
    private static readonly Lazy<(string Root, string Configuration)> Layout = new(Find);

    /// <summary>The main assembly of <paramref name="project"/> in its own output folder.</summary>
    public static string Dll(string project)
    {
        var path = Path.Combine(Layout.Value.Root, "artifacts", "bin", project, Layout.Value.Configuration, project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built at {path}: build the solution first.", path);
    }

    private static (string, string) Find()
    {
        // This assembly runs from artifacts/bin/BoxOffice.Distributed.Tests/<configuration>/.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Name;
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BoxOffice.slnx")))
            {
                return (directory.FullName, configuration);
            }
        }

        throw new InvalidOperationException($"No BoxOffice.slnx above {AppContext.BaseDirectory}.");
    }
}
