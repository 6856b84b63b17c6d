using BoxOffice.Recommendations.Ranking;

namespace BoxOffice.Recommendations.Tests.Evaluation;

/// <summary>
/// The offline evaluation of docs/recommendations.md: on synthetic markets with planted taste
/// clusters, the recommender must find held-out purchases far more often than popularity does.
/// The figures are printed to the test output.
/// </summary>
public sealed class OfflineEvaluation
{
    private static readonly (string, Func<RankingInput, IReadOnlyList<Recommendation>>)[] Rankings =
    [
        ("popularity baseline", Recommender.Popular),
        ("recommender", i => Recommender.Recommend(i)),
        ("plain cosine", i => Recommender.Recommend(i, RankingWeights.Default with { CandidateDamping = 0.5 })),
        ("co-purchase only", i => Recommender.Recommend(i, RankingWeights.Default with { Performer = 0, Category = 0, City = 0 })),
        ("content only", i => Recommender.Recommend(i, RankingWeights.Default with { CoPurchase = 0 })),
    ];

    [Theory]
    [InlineData(42)]
    [InlineData(7)]
    [InlineData(2024)]
    public void Offline_the_recommender_beats_popularity_by_at_least_twice_on_held_out_purchases(int seed)
    {
        var metrics = LeaveOutEvaluation.Run(SyntheticMarket.Generate(seed), seed, Rankings);

        var output = TestContext.Current.TestOutputHelper!;
        output.WriteLine($"seed {seed}: 8 clusters, 300 events, 1500 buyers with 4-10 purchases, 2 held out each");
        foreach (var m in metrics)
        {
            output.WriteLine(m.ToString());
        }

        var baseline = metrics[0];
        var recommender = metrics[1];
        recommender.PrecisionAtK.ShouldBeGreaterThanOrEqualTo(2 * baseline.PrecisionAtK);
        recommender.HitRateAtK.ShouldBeGreaterThanOrEqualTo(1.8 * baseline.HitRateAtK);
    }

    [Fact]
    public void Offline_the_same_seed_gives_the_same_market_and_the_same_figures()
    {
        var first = SyntheticMarket.Generate(11, new MarketShape(Events: 60, Users: 200));
        var second = SyntheticMarket.Generate(11, new MarketShape(Events: 60, Users: 200));

        second.Events.Select(e => (e.EventId, e.Category, e.City, string.Join('|', e.Performers), e.StartsAt))
            .ShouldBe(first.Events.Select(e => (e.EventId, e.Category, e.City, string.Join('|', e.Performers), e.StartsAt)));
        second.Purchases.ShouldBe(first.Purchases);
        LeaveOutEvaluation.Run(second, 11, Rankings).ShouldBe(LeaveOutEvaluation.Run(first, 11, Rankings));
    }
}
