using BoxOffice.Recommendations.Ranking;

namespace BoxOffice.Recommendations.Tests.Evaluation;

/// <summary>Precision@k and hit rate@k of one ranking over the held-out purchases.</summary>
internal sealed record Metrics(string Ranking, double PrecisionAtK, double HitRateAtK, int Users)
{
    public override string ToString() =>
        FormattableString.Invariant($"{Ranking,-22} precision@5 {PrecisionAtK:0.0000}   hit rate@5 {HitRateAtK:0.0000}   ({Users} buyers)");
}

/// <summary>
/// Leave-out evaluation: hide <see cref="Hidden"/> random purchases of every buyer, build the
/// co-buyer counts from what is left exactly as the endpoint's SQL does (distinct buyers; the buyer
/// themself not counted), rank with <see cref="Recommender"/>, and count how many hidden events
/// come back in the top <see cref="K"/>.
/// </summary>
internal static class LeaveOutEvaluation
{
    public const int K = 5;
    public const int Hidden = 2;

    public static IReadOnlyList<Metrics> Run(SyntheticMarket market, int seed, params (string Name, Func<RankingInput, IReadOnlyList<Recommendation>> Rank)[] rankings)
    {
        var random = new Random(seed);
        var byUser = market.Purchases.GroupBy(p => p.User).OrderBy(g => g.Key.ToString("D"), StringComparer.Ordinal).ToList();
        var hidden = new Dictionary<Guid, HashSet<Guid>>();
        var train = new Dictionary<Guid, List<Guid>>();
        foreach (var group in byUser)
        {
            var events = group.Select(p => p.Event).ToList();
            var held = events.OrderBy(_ => random.Next()).Take(Math.Min(Hidden, events.Count - 1)).ToHashSet();
            hidden[group.Key] = held;
            train[group.Key] = [.. events.Where(e => !held.Contains(e))];
        }

        var buyersOf = new Dictionary<Guid, List<Guid>>();
        foreach (var (user, events) in train)
        {
            foreach (var e in events)
            {
                if (!buyersOf.TryGetValue(e, out var list))
                {
                    buyersOf[e] = list = [];
                }

                list.Add(user);
            }
        }

        var catalog = market.Events.Select(e => e with { Buyers = buyersOf.TryGetValue(e.EventId, out var b) ? b.Count : 0 }).ToList();
        var hits = new int[rankings.Length];
        var users = new int[rankings.Length];
        var hitUsers = new int[rankings.Length];
        foreach (var (user, bought) in train)
        {
            if (hidden[user].Count == 0)
            {
                continue;
            }

            var input = new RankingInput(catalog, bought, CoPurchases(user, bought, train, buyersOf), new DateOnly(1990, 1, 1), SyntheticMarket.Now, K);
            for (var r = 0; r < rankings.Length; r++)
            {
                var found = rankings[r].Rank(input).Count(s => hidden[user].Contains(s.EventId));
                hits[r] += found;
                users[r]++;
                hitUsers[r] += found > 0 ? 1 : 0;
            }
        }

        return [.. rankings.Select((ranking, r) => new Metrics(ranking.Name, (double)hits[r] / (K * users[r]), (double)hitUsers[r] / users[r], users[r]))];
    }

    /// <summary>The in-memory twin of the endpoint's co-purchase query.</summary>
    private static List<CoPurchase> CoPurchases(Guid user, List<Guid> bought, Dictionary<Guid, List<Guid>> train, Dictionary<Guid, List<Guid>> buyersOf)
    {
        var result = new List<CoPurchase>();
        foreach (var x in bought)
        {
            var counts = new Dictionary<Guid, int>();
            foreach (var other in buyersOf[x])
            {
                if (other == user)
                {
                    continue;
                }

                foreach (var y in train[other])
                {
                    if (y != x)
                    {
                        counts[y] = counts.GetValueOrDefault(y) + 1;
                    }
                }
            }

            result.AddRange(counts.Select(c => new CoPurchase(x, c.Key, c.Value, buyersOf[x].Count)));
        }

        return result;
    }
}
