namespace BoxOffice.LoadTest;

/// <summary>
/// The issue's scenarios as presets of the verbs: <c>scenario flash</c> is <c>flash</c> with the
/// issue's parameters. Options written after the scenario's name override its preset.
/// </summary>
internal static class Scenarios
{
    public static readonly IReadOnlyDictionary<string, string[]> Presets = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["accept"] = ["accept", "--connections", "256", "--duration", "15s", "--rounds", "3", "--name", "accept"],
        ["flash"] =
        [
            "flash", "--tickets", "10000", "--buyers", "50000", "--ramp", "10s", "--gateway-median-ms", "300", "--gateway-p99-ms", "3000",
            "--final-deadline", "30s", "--poll", "3s", "--mode", "EventDriven", "--ceilings", "10s", "--name", "flash",
        ],
        ["compare"] =
        [
            "flash", "--buyers", "2000", "--tickets", "2000", "--ramp", "1s", "--gateway-median-ms", "1000", "--gateway-p99-ms", "3000",
            "--mode", "both", "--timeout", "30s", "--ceilings", "10s", "--name", "compare",
        ],
        ["coldstart"] = ["coldstart", "--rounds", "3", "--name", "coldstart"],
        ["smoke"] =
        [
            "flash", "--buyers", "40", "--tickets", "20", "--ramp", "1s", "--gateway-median-ms", "20", "--gateway-p99-ms", "100",
            "--mode", "both", "--poll", "200ms", "--final-deadline", "20s", "--grace", "30", "--name", "smoke",
        ],
    };

    /// <summary>The verb's arguments: the preset, then <paramref name="overrides"/> (a later option wins).</summary>
    public static string[] Expand(string name, string[] overrides) => Presets.TryGetValue(name, out var preset)
        ? [.. preset, .. overrides]
        : throw new UsageException($"No scenario '{name}': there are {string.Join(", ", Presets.Keys)}.");
}
