using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Support;

/// <summary>The embedded host started the way a user starts it, as its own process, on a free port.</summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    /// <summary>True once the process has ended (killed, or exited by itself).</summary>
    public bool HasExited => _process.HasExited;

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
    /// Starts the host on <paramref name="urls"/> (a free port by default; a fixed one to restart it
    /// where its clients are) and waits until it listens; on PostgreSQL when <paramref name="postgres"/>
    /// says so (every service database on <c>BOXOFFICE_TEST_POSTGRES</c>), else on the assembly's store.
    /// </summary>
    public static async Task<(HostProcess Host, Uri Address)> StartAsync(
        string dataDirectory, CancellationToken ct, IDictionary<string, string>? environment = null, string urls = "http://127.0.0.1:0", bool? postgres = null)
    {
        var host = Start(dataDirectory, environment ?? new Dictionary<string, string>(), urls, postgres);
        // A deadline, not a pause: a loaded 2-core machine has taken over a minute to start a host on PostgreSQL.
        var address = await host._listening.Task.WaitAsync(TimeSpan.FromSeconds(120), ct);
        return (host, address);
    }

    /// <summary>Starts the host with extra environment and waits for it to exit by itself: its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        string dataDirectory, IDictionary<string, string> environment, CancellationToken ct, string urls = "http://127.0.0.1:0")
    {
        await using var host = Start(dataDirectory, environment, urls);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await host._process.WaitForExitAsync(timeout.Token);
        host._process.WaitForExit();
        return (host._process.ExitCode, host.Output);
    }

    private static HostProcess Start(string dataDirectory, IDictionary<string, string> environment, string urls, bool? postgres = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BoxOffice.Host.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(urls);
        // The same storage as the in-process hosts, as environment variables (BoxOffice__DataDirectory …).
        foreach (var (key, value) in TestStorage.Settings(dataDirectory, postgres))
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["PaymentGateway__Urls"] = "http://127.0.0.1:0";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var host = new HostProcess(new Process { StartInfo = info });
        host._process.OutputDataReceived += (_, e) => host.Record(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Record(e.Data);
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Kills it with SIGKILL, as a power cut would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>A client of the host at <paramref name="address"/> signed in as <paramref name="email"/>.</summary>
    public static async Task<HttpClient> SignInAsync(Uri address, string email, string password)
    {
        using var anonymous = new HttpClient { BaseAddress = address };
        var login = await anonymous.PostAsJsonAsync("/api/accounts/login", new { email, password }, TestContext.Current.CancellationToken);
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await TestApp.Json(login))["accessToken"]!.GetValue<string>());
        return client;
    }

    /// <summary>Registers a new buyer on the host at <paramref name="address"/> and returns a client signed in as them.</summary>
    public static async Task<HttpClient> BuyerAsync(Uri address)
    {
        var email = $"buyer-{Guid.NewGuid():N}@example.test";
        using var anonymous = new HttpClient { BaseAddress = address };
        var registered = await anonymous.PostAsJsonAsync("/api/accounts/register",
            new { email, password = "Buyer-pass-1", displayName = "Test Buyer", birthDate = "1990-05-17" }, TestContext.Current.CancellationToken);
        registered.StatusCode.ShouldBe(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await SignInAsync(address, email, "Buyer-pass-1");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
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

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"BoxOffice is running embedded on (http://[^;,\s]+)")]
    private static partial Regex ListeningLine();
}
