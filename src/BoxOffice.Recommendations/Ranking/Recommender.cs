using BoxOffice.Contracts.Tickets;

namespace BoxOffice.Recommendations.Ranking;

/// <summary>What ranking knows of an event: its published facts and how many buyers it has.</summary>
internal sealed record CatalogEvent(
    Guid EventId,
    string Name,
    string City,
    string Category,
    IReadOnlyList<string> Performers,
    DateTimeOffset StartsAt,
    int MinimumAge,
    int Buyers);

/// <summary>
/// <paramref name="CoBuyers"/> people bought tickets for both <paramref name="Bought"/> (one of the
/// buyer's events, which has <paramref name="BoughtBuyers"/> buyers) and <paramref name="Candidate"/>.
/// </summary>
internal sealed record CoPurchase(Guid Bought, Guid Candidate, int CoBuyers, int BoughtBuyers);

/// <summary>Everything one ranking is computed from, loaded beforehand.</summary>
/// <param name="Catalog">The events that may be suggested and the facts of the buyer's own events (each once).</param>
/// <param name="Bought">Every event the buyer has bought tickets for, known to the catalog or not.</param>
/// <param name="CoPurchases">Co-buyer counts between the buyer's events and other events.</param>
/// <param name="BirthDate">The buyer's birth date, when the token carries one.</param>
/// <param name="Now">Events starting at or before this are never suggested.</param>
/// <param name="Limit">The most suggestions returned.</param>
internal sealed record RankingInput(
    IReadOnlyList<CatalogEvent> Catalog,
    IReadOnlyCollection<Guid> Bought,
    IReadOnlyList<CoPurchase> CoPurchases,
    DateOnly? BirthDate,
    DateTimeOffset Now,
    int Limit);

/// <summary>
/// How much each signal counts; <see cref="Default"/> is what the endpoint uses. CandidateDamping is
/// the exponent of buyers(Y) in the co-purchase similarity: ½ is the cosine, less favours events
/// many people bought.
/// </summary>
internal sealed record RankingWeights(double CoPurchase, double Performer, double Category, double City, double Popularity, double CandidateDamping)
{
    public static RankingWeights Default { get; } = new(CoPurchase: 1.0, Performer: 0.15, Category: 0.1, City: 0.05, Popularity: 0.05, CandidateDamping: 0.25);
}

/// <summary>One suggestion, as the endpoint returns it.</summary>
internal sealed record Recommendation(Guid EventId, string Name, double Score, string Reason);

/// <summary>
/// Ranks events for one buyer: pure, from loaded data, so the same data always gives the same list.
/// <para>
/// score(Y) = 1.0  · Σ_X co(X,Y) / (buyers(X)^½ · buyers(Y)^¼)   (item-to-item co-purchase over the buyer's events X)
///          + 0.15 · share of the buyer's events sharing a performer with Y
///          + 0.1  · share of the buyer's events in Y's category
///          + 0.05 · share of the buyer's events in Y's city
///          + 0.05 · ln(1 + buyers(Y)) / ln(1 + most buyers of an eligible event)
/// </para>
/// The weights were chosen on the synthetic offline evaluation (docs/recommendations.md): what other
/// buyers did is the strongest evidence (a cosine damped to ¼ on the candidate's side found 6–9%
/// more held-out purchases than the plain cosine), content affinity is kept small because larger
/// weights lost precision there, while it still orders events too new to have co-buyers, and
/// popularity only orders what nothing else tells apart. The reason names the largest term.
/// </summary>
internal static class Recommender
{
    public const string PopularReason = "Popular upcoming event";

    private enum Signal
    {
        // Declaration order breaks ties between equal contributions.
        CoPurchase,
        Performer,
        Category,
        City,
        Popularity,
    }

    public static IReadOnlyList<Recommendation> Recommend(RankingInput input, RankingWeights? weights = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var w = weights ?? RankingWeights.Default;
        if (input.Limit <= 0)
        {
            return [];
        }

        var bought = input.Bought.ToHashSet();
        var eligible = Eligible(input, bought);
        if (eligible.Count == 0)
        {
            return [];
        }

        if (bought.Count == 0)
        {
            return Popular(eligible, input.Limit);
        }

        var byId = DistinctById(input.Catalog);
        var history = bought.Where(byId.ContainsKey).Select(id => byId[id]).OrderBy(e => Key(e.EventId), StringComparer.Ordinal).ToList();
        var coPurchases = input.CoPurchases
            .Where(c => c.CoBuyers > 0 && c.BoughtBuyers > 0 && bought.Contains(c.Bought))
            .GroupBy(c => c.Candidate)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => Key(c.Bought), StringComparer.Ordinal).ToList());
        var mostBuyers = eligible.Max(e => e.Buyers);

        var ranked = new List<(Recommendation Suggestion, DateTimeOffset StartsAt)>(eligible.Count);
        foreach (var candidate in eligible)
        {
            var signals = new double[5];
            string? because = null;
            if (coPurchases.TryGetValue(candidate.EventId, out var pairs) && candidate.Buyers > 0)
            {
                var strongest = 0.0;
                foreach (var pair in pairs)
                {
                    var similarity = Math.Min(pair.CoBuyers, Math.Min(pair.BoughtBuyers, candidate.Buyers))
                        / (Math.Sqrt(pair.BoughtBuyers) * Math.Pow(candidate.Buyers, w.CandidateDamping));
                    signals[(int)Signal.CoPurchase] += similarity;
                    if (similarity > strongest)
                    {
                        strongest = similarity;
                        because = byId.TryGetValue(pair.Bought, out var x) ? x.Name : null;
                    }
                }

                signals[(int)Signal.CoPurchase] *= w.CoPurchase;
            }

            string? performer = null;
            if (history.Count > 0)
            {
                performer = SharedPerformer(candidate, history, out var sharing);
                signals[(int)Signal.Performer] = w.Performer * sharing / history.Count;
                signals[(int)Signal.Category] = w.Category * history.Count(h => Same(h.Category, candidate.Category)) / history.Count;
                signals[(int)Signal.City] = w.City * history.Count(h => Same(h.City, candidate.City)) / history.Count;
            }

            signals[(int)Signal.Popularity] = w.Popularity * Popularity(candidate.Buyers, mostBuyers);
            var score = signals.Sum();
            var top = Signal.CoPurchase;
            for (var s = Signal.Performer; s <= Signal.Popularity; s++)
            {
                if (signals[(int)s] > signals[(int)top])
                {
                    top = s;
                }
            }

            var reason = top switch
            {
                Signal.CoPurchase when signals[(int)top] > 0 => because is null ? "Because of tickets you bought" : $"Because you bought tickets for {because}",
                Signal.Performer when performer is not null => $"Because you saw {performer}",
                Signal.Category => $"Because you like {candidate.Category}",
                Signal.City => $"Popular in {candidate.City}",
                _ => PopularReason,
            };
            ranked.Add((new Recommendation(candidate.EventId, candidate.Name, Round(score), reason), candidate.StartsAt));
        }

        return [.. ranked
            .OrderByDescending(r => r.Suggestion.Score)
            .ThenBy(r => r.StartsAt)
            .ThenBy(r => Key(r.Suggestion.EventId), StringComparer.Ordinal)
            .Take(input.Limit)
            .Select(r => r.Suggestion)];
    }

    /// <summary>
    /// The most bought eligible events (then the soonest, then by id), for a buyer with no history;
    /// also the baseline the offline evaluation compares against.
    /// </summary>
    public static IReadOnlyList<Recommendation> Popular(RankingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Limit <= 0 ? [] : Popular(Eligible(input, input.Bought.ToHashSet()), input.Limit);
    }

    private static List<Recommendation> Popular(List<CatalogEvent> eligible, int limit)
    {
        var mostBuyers = eligible.Max(e => e.Buyers);
        return [.. eligible
            .OrderByDescending(e => e.Buyers)
            .ThenBy(e => e.StartsAt)
            .ThenBy(e => Key(e.EventId), StringComparer.Ordinal)
            .Take(limit)
            .Select(e => new Recommendation(e.EventId, e.Name, Round(Popularity(e.Buyers, mostBuyers)), PopularReason))];
    }

    private static List<CatalogEvent> Eligible(RankingInput input, HashSet<Guid> bought) =>
        [.. DistinctById(input.Catalog).Values.Where(e =>
            !bought.Contains(e.EventId)
            && e.StartsAt > input.Now
            && AgeRule.IsOldEnough(input.BirthDate, e.StartsAt, e.MinimumAge))];

    private static Dictionary<Guid, CatalogEvent> DistinctById(IReadOnlyList<CatalogEvent> catalog)
    {
        var byId = new Dictionary<Guid, CatalogEvent>(catalog.Count);
        foreach (var e in catalog)
        {
            byId.TryAdd(e.EventId, e);
        }

        return byId;
    }

    /// <summary>The candidate's performer found in most of the buyer's events, and in how many of them any is.</summary>
    private static string? SharedPerformer(CatalogEvent candidate, List<CatalogEvent> history, out int sharing)
    {
        sharing = 0;
        string? best = null;
        var bestCount = 0;
        foreach (var h in history)
        {
            if (h.Performers.Any(p => candidate.Performers.Contains(p, StringComparer.OrdinalIgnoreCase)))
            {
                sharing++;
            }
        }

        foreach (var performer in candidate.Performers.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
        {
            var count = history.Count(h => h.Performers.Contains(performer, StringComparer.OrdinalIgnoreCase));
            if (count > bestCount)
            {
                best = performer;
                bestCount = count;
            }
        }

        return best;
    }

    private static double Popularity(int buyers, int mostBuyers) =>
        mostBuyers <= 0 ? 0 : Math.Log(1 + buyers) / Math.Log(1 + mostBuyers);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static double Round(double score) => Math.Round(score, 4, MidpointRounding.AwayFromZero);

    private static string Key(Guid id) => id.ToString("D");
}
