using BoxOffice.Recommendations.Ranking;

namespace BoxOffice.Recommendations.Tests.Evaluation;

/// <summary>What the generator plants: how many taste clusters and how strongly people keep to them.</summary>
internal sealed record MarketShape(
    int Clusters = 8,
    int Events = 300,
    int Users = 1500,
    int MinPurchases = 4,
    int MaxPurchases = 10,
    double InClusterShare = 0.8,
    double ContentFidelity = 0.7,
    double PopularitySkew = 0.7);

/// <summary>
/// A synthetic catalog and purchase history with planted taste clusters, from a seeded
/// <see cref="Random"/>: the same seed always gives the same market. Each cluster prefers two
/// categories and two cities (the lists wrap around, so some clusters share them) and ten
/// performers of its own; most of an event's facts come from its cluster's preferences. Buyers belong to a cluster and buy mostly its events, the rest anywhere, always
/// skewed towards popular events (Zipf-like weights over a random ranking).
/// </summary>
internal sealed class SyntheticMarket
{
    private static readonly string[] Categories = ["concert", "theatre", "sport", "comedy", "classical", "festival", "dance", "family", "talk", "opera"];
    private static readonly string[] Cities = ["Oslo", "Lisbon", "London", "Manchester", "Berlin", "Vienna", "Amsterdam", "Paris", "Barcelona", "Madrid", "Rome", "Prague"];

    private SyntheticMarket(IReadOnlyList<CatalogEvent> events, IReadOnlyList<(Guid User, Guid Event)> purchases)
    {
        Events = events;
        Purchases = purchases;
    }

    public static DateTimeOffset Now { get; } = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every event: upcoming, no minimum age, buyer counts not filled in.</summary>
    public IReadOnlyList<CatalogEvent> Events { get; }

    /// <summary>Who bought tickets for what, one row per buyer and event.</summary>
    public IReadOnlyList<(Guid User, Guid Event)> Purchases { get; }

    public static SyntheticMarket Generate(int seed, MarketShape? shape = null)
    {
        var s = shape ?? new MarketShape();
        var random = new Random(seed);
        var performers = Enumerable.Range(0, s.Clusters * 10 + 20).Select(i => $"Performer {i:D3}").ToArray();

        var events = new List<CatalogEvent>(s.Events);
        var clusterOf = new int[s.Events];
        for (var i = 0; i < s.Events; i++)
        {
            var cluster = i % s.Clusters;
            clusterOf[i] = cluster;
            string Pick(string[] preferred, string[] all) =>
                random.NextDouble() < s.ContentFidelity ? preferred[random.Next(preferred.Length)] : all[random.Next(all.Length)];

            var category = Pick([Categories[(2 * cluster) % Categories.Length], Categories[(2 * cluster + 1) % Categories.Length]], Categories);
            var city = Pick([Cities[(2 * cluster) % Cities.Length], Cities[(2 * cluster + 1) % Cities.Length]], Cities);
            var clusterPerformers = performers.Skip(cluster * 10).Take(10).ToArray();
            var cast = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Pick(clusterPerformers, performers)).Distinct().ToList();
            events.Add(new CatalogEvent(
                Id(random), $"Event {i:D4}", city, category, cast, Now.AddDays(1 + random.Next(120)).AddHours(random.Next(24)), 0, 0));
        }

        // Popularity: a random ranking of the events, weight 1 / (rank + 1)^skew.
        var ranks = Enumerable.Range(0, s.Events).OrderBy(_ => random.Next()).ToArray();
        var weights = ranks.Select(r => 1 / Math.Pow(r + 1, s.PopularitySkew)).ToArray();
        var inCluster = Enumerable.Range(0, s.Clusters).Select(c => Enumerable.Range(0, s.Events).Where(i => clusterOf[i] == c).ToArray()).ToArray();
        var everywhere = Enumerable.Range(0, s.Events).ToArray();

        var purchases = new List<(Guid, Guid)>();
        for (var u = 0; u < s.Users; u++)
        {
            var user = Id(random);
            var cluster = u % s.Clusters;
            var count = random.Next(s.MinPurchases, s.MaxPurchases + 1);
            var chosen = new HashSet<int>();
            while (chosen.Count < count)
            {
                var pool = random.NextDouble() < s.InClusterShare ? inCluster[cluster] : everywhere;
                chosen.Add(Weighted(random, pool, weights));
            }

            purchases.AddRange(chosen.Order().Select(i => (user, events[i].EventId)));
        }

        return new SyntheticMarket(events, purchases);
    }

    private static int Weighted(Random random, int[] pool, double[] weights)
    {
        var total = pool.Sum(i => weights[i]);
        var target = random.NextDouble() * total;
        foreach (var i in pool)
        {
            target -= weights[i];
            if (target <= 0)
            {
                return i;
            }
        }

        return pool[^1];
    }

    private static Guid Id(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
