using System.Diagnostics;
using BoxOffice.LoadTest.Ceiling;
using BoxOffice.LoadTest.Hosts;

namespace BoxOffice.LoadTest.Accept;

/// <summary>A ceiling server (<see cref="CeilingServer"/>) in its own process, on a free port, gone with its data on dispose.</summary>
internal sealed class CeilingProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _data;

    private CeilingProcess(Process process, string data, Uri address)
    {
        _process = process;
        _data = data;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    public static async Task<CeilingProcess> StartAsync(CeilingKind kind, HttpClient http, CancellationToken ct)
    {
        var port = FreePort.Next();
        var data = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "boxoffice-load", "ceiling-" + Guid.NewGuid().ToString("N"))).FullName;
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "BoxOffice.LoadTest.dll"), "ceiling-server", "--kind", kind.ToString(), "--urls", $"http://127.0.0.1:{port}", "--data", data })
        {
            info.ArgumentList.Add(arg);
        }

        // The host's garbage collector (server GC, the web SDK's default), so the ceiling differs from
        // the host in the work it does, not in its runtime; its pool minimum is set by the server itself.
        info.Environment["DOTNET_gcServer"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the ceiling server.");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var ceiling = new CeilingProcess(process, data, new Uri($"http://127.0.0.1:{port}"));
        var clock = Stopwatch.StartNew();
        while (!await Probe.ReadyAsync(http, ceiling.Address, ct, "/health"))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                await ceiling.DisposeAsync();
                throw new InvalidOperationException($"The {kind} ceiling server did not start.");
            }

            await Task.Delay(50, ct);
        }

        return ceiling;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Still closing: the OS temp folder is cleaned anyway.
        }
    }
}
