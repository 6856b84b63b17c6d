using HdrHistogram;

namespace BoxOffice.LoadTest.Reporting;

/// <summary>Percentiles of one latency histogram, in milliseconds.</summary>
internal sealed record Percentiles(long Count, double P50, double P90, double P99, double P999, double Max)
{
    public static Percentiles Empty { get; } = new(0, 0, 0, 0, 0, 0);
}

/// <summary>Latency histograms, recorded in microseconds (1 µs to 1 h, 3 significant digits), safe to record into from any thread.</summary>
internal static class Latency
{
    private const long Highest = 3_600_000_000;

    public static HistogramBase Create() => HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1)
        .WithValuesUpTo(Highest)
        .WithPrecisionOf(3)
        .WithThreadSafeWrites()
        .Create();

    public static void Record(this HistogramBase histogram, TimeSpan elapsed) =>
        histogram.RecordValue(Math.Clamp((long)elapsed.TotalMicroseconds, 1, Highest));

    public static Percentiles Summarize(this HistogramBase histogram) => histogram.TotalCount == 0
        ? Percentiles.Empty
        : new Percentiles(
            histogram.TotalCount,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()));

    /// <summary>The percentile distribution for a plot: (percentile, ms) at points spaced evenly in "nines".</summary>
    public static IReadOnlyList<(double Percentile, double Ms)> Distribution(this HistogramBase histogram)
    {
        if (histogram.TotalCount == 0)
        {
            return [];
        }

        var points = new List<(double, double)>();
        for (var nines = 0.0; nines <= 4.0001; nines += 0.05)
        {
            var percentile = 100 * (1 - Math.Pow(10, -nines));
            points.Add((percentile, Ms(histogram.GetValueAtPercentile(percentile))));
        }

        points.Add((100, Ms(histogram.GetMaxValue())));
        return points;
    }

    private static double Ms(long microseconds) => Math.Round(microseconds / 1000.0, 3);
}
