using BoxOffice.Loyalty.Earning;

namespace BoxOffice.Loyalty.Tests.Earning;

public sealed class CountingPoints
{
    [Theory]
    [InlineData(4_550L, "EUR", 45L)]
    [InlineData(99L, "EUR", 0L)]
    [InlineData(10_000L, "USD", 100L)]
    [InlineData(5_000L, "JPY", 5_000L)]
    [InlineData(12_345L, "KWD", 12L)]
    [InlineData(0L, "EUR", 0L)]
    [InlineData(-100L, "EUR", 0L)]
    public void A_point_per_whole_currency_unit_paid(long amount, string currency, long points) =>
        Points.For(amount, currency).ShouldBe(points);
}
