namespace BoxOffice.Chaos.Tests.Support;

/// <summary>
/// The size of a chaos scenario: its CI size by default, its full size when <c>BOXOFFICE_CHAOS_FULL</c>
/// is <c>true</c> (scripts/chaos.sh sets it), or exactly what its own variable says.
/// </summary>
public static class ChaosSize
{
    /// <summary>True when the full sizes run.</summary>
    public static bool Full { get; } =
        string.Equals(Environment.GetEnvironmentVariable("BOXOFFICE_CHAOS_FULL"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of <paramref name="variable"/> when it is a positive number, else the CI or full size.</summary>
    public static int Of(string variable, int ci, int full) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var value) && value > 0 ? value : Full ? full : ci;
}
