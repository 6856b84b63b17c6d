using System.Globalization;

namespace BoxOffice.LoadTest.Reporting;

/// <summary>The machine a run ran on: cores, CPU model, memory (from /proc on Linux).</summary>
internal sealed record Machine(int Cores, string Cpu, double MemoryGb, string Os, string Runtime)
{
    public static Machine Current()
    {
        var cpu = Lines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } model
            ? model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()
            : "unknown";
        var memory = Lines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } total
            ? long.Parse(total["MemTotal:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1024.0 / 1024.0
            : 0;
        return new Machine(Environment.ProcessorCount, cpu, Math.Round(memory, 1), System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Cores} cores (nproc), {Cpu}, {MemoryGb:0.#} GB memory, {Os}, {Runtime}");

    private static IEnumerable<string> Lines(string path) => File.Exists(path) ? File.ReadLines(path) : [];
}
