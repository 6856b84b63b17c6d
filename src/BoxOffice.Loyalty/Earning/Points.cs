namespace BoxOffice.Loyalty.Earning;

/// <summary>How many points a purchase is worth: one per whole currency unit paid.</summary>
internal static class Points
{
    // ISO 4217 currencies whose minor unit is not a hundredth.
    private static readonly Dictionary<string, int> MinorUnitsPerUnit = new(StringComparer.Ordinal)
    {
        ["JPY"] = 1, ["KRW"] = 1, ["ISK"] = 1, ["CLP"] = 1, ["VND"] = 1,
        ["BHD"] = 1000, ["KWD"] = 1000, ["OMR"] = 1000, ["JOD"] = 1000, ["TND"] = 1000,
    };

    public static long For(long amountInMinorUnits, string currency) =>
        amountInMinorUnits <= 0 ? 0 : amountInMinorUnits / MinorUnitsPerUnit.GetValueOrDefault(currency, 100);
}
