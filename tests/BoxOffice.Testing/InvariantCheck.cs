using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace BoxOffice.Testing;

/// <summary>
/// One run of the operators' invariant check as its own process, the way an operator runs it:
/// <c>dotnet BoxOffice.Host.dll invariants</c> with the deployment's settings in its environment.
/// </summary>
/// <param name="ExitCode">0 every invariant holds, 1 one is broken, 2 the check could not read.</param>
/// <param name="Report">The JSON report it printed; null when it printed none.</param>
/// <param name="Error">What it wrote to standard error.</param>
public sealed record InvariantCheck(int ExitCode, JsonNode? Report, string Error)
{
    /// <summary>True when the command exited 0: every invariant holds.</summary>
    public bool Holds => ExitCode == 0;

    /// <summary>Each broken invariant's name with the ids it names, for an assertion's message.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Broken =>
        Report?["invariants"]?.AsArray().Where(i => !i!["holds"]!.GetValue<bool>()).ToDictionary(
            i => i!["name"]!.GetValue<string>(),
            i => (IReadOnlyList<string>)i!["offending"]!.AsArray().Select(o => o!.GetValue<string>()).ToList())
        ?? new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// Runs <paramref name="hostDll"/> <c>invariants --grace-seconds</c> <paramref name="graceSeconds"/>
    /// with <paramref name="environment"/> (configuration keys as environment variables,
    /// <c>ConnectionStrings__Postgres</c> …) and waits for it to exit (at most two minutes).
    /// </summary>
    /// <param name="hostDll">The built BoxOffice.Host.dll.</param>
    /// <param name="environment">The settings that point it at the deployment's databases and gateway.</param>
    /// <param name="graceSeconds">How long past a hold's end a Pending reservation is still tolerated.</param>
    /// <param name="ct">Cancels the wait (the process is killed).</param>
    /// <returns>Its exit code, report and error output.</returns>
    public static async Task<InvariantCheck> RunAsync(string hostDll, IReadOnlyDictionary<string, string> environment, int graceSeconds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        info.ArgumentList.Add(hostDll);
        info.ArgumentList.Add("invariants");
        info.ArgumentList.Add("--grace-seconds");
        info.ArgumentList.Add(graceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        // The parameterless wait also waits for the redirected output to be read to its end.
        process.WaitForExit();
        string printed;
        lock (output)
        {
            printed = output.ToString();
        }

        lock (error)
        {
            return new InvariantCheck(process.ExitCode, printed.Trim().Length == 0 ? null : JsonNode.Parse(printed), error.ToString());
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"exit {ExitCode}; broken: {(Broken.Count == 0 ? "none" : string.Join("; ", Broken.Select(b => $"{b.Key} [{string.Join(", ", b.Value.Take(10))}]")))}"
        + (Error.Length == 0 ? string.Empty : $"; error: {Error.Trim()}");

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.AppendLine(line);
        }
    }
}
