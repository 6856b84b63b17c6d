using BoxOffice.Recommendations.Ranking;

namespace BoxOffice.Recommendations.Tests.Support;

/// <summary>Building blocks for pure ranking tests: events at fixed times and a fixed "now".</summary>
internal static class Catalog
{
    public static readonly DateTimeOffset Now = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static CatalogEvent Event(
        string name,
        string category = "concert",
        string city = "Oslo",
        string[]? performers = null,
        int inDays = 10,
        int minimumAge = 0,
        int buyers = 0,
        Guid? id = null) =>
        new(id ?? IdOf(name), name, city, category, performers ?? [name + " Band"], Now.AddDays(inDays), minimumAge, buyers);

    /// <summary>A stable id per name, so tests read by name.</summary>
    public static Guid IdOf(string name)
    {
        var bytes = System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(name));
        return new Guid(bytes);
    }

    public static RankingInput Input(
        IEnumerable<CatalogEvent> catalog,
        IEnumerable<CatalogEvent>? bought = null,
        IEnumerable<CoPurchase>? coPurchases = null,
        DateOnly? birthDate = null,
        int limit = 10)
    {
        var boughtEvents = bought?.ToList() ?? [];
        return new RankingInput(
            [.. catalog, .. boughtEvents],
            [.. boughtEvents.Select(e => e.EventId)],
            [.. coPurchases ?? []],
            birthDate ?? new DateOnly(1990, 1, 1),
            Now,
            limit);
    }

    public static CoPurchase Co(CatalogEvent bought, CatalogEvent candidate, int coBuyers) =>
        new(bought.EventId, candidate.EventId, coBuyers, bought.Buyers);
}
