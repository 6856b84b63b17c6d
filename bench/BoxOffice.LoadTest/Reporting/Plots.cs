using BoxOffice.LoadTest.Flash;
using BoxOffice.LoadTest.Hosts;
using HdrHistogram;
using ScottPlot;

namespace BoxOffice.LoadTest.Reporting;

/// <summary>The report's PNGs (ScottPlot 5, drawn by SkiaSharp): one column per mode where a figure has several.</summary>
internal static class Plots
{
    // Percentiles are drawn against their "nines" (90% → 1, 99% → 2 …), so the tail gets room; the maximum sits past 99.99%.
    private const double MaxPosition = 4.5;

    /// <summary>Answer (top) and time-to-final (bottom) latency by percentile.</summary>
    public static void Latency(string path, IReadOnlyList<(string Mode, HistogramBase Answer, HistogramBase Final)> modes)
    {
        var figure = Figure(new ScottPlot.MultiplotLayouts.Grid(2, modes.Count));
        var plots = new Plot[2 * modes.Count];
        for (var i = 0; i < plots.Length; i++)
        {
            plots[i] = new Plot();
        }

        // The grid fills row by row: answers of every mode first, then times to final.
        for (var m = 0; m < modes.Count; m++)
        {
            Distribution(plots[m], $"{modes[m].Mode}: answer to POST /api/reservations", modes[m].Answer, Colors.SteelBlue);
            Distribution(plots[modes.Count + m], $"{modes[m].Mode}: time to final (from the first request)", modes[m].Final, Colors.DarkOrange);
        }

        foreach (var plot in plots)
        {
            figure.AddPlot(plot);
        }

        figure.SavePng(path, 700 * modes.Count, 900);
    }

    /// <summary>Answers, accepted, finals and errors per second over the sale.</summary>
    public static void Throughput(string path, IReadOnlyList<(string Mode, TimeSeries Series)> modes)
    {
        var figure = Figure(new ScottPlot.MultiplotLayouts.Columns());
        foreach (var (mode, series) in modes)
        {
            var plot = new Plot();
            Line(plot, series.Answers, "answers/s", Colors.SteelBlue);
            Line(plot, series.Accepted, "accepted/s", Colors.SeaGreen);
            Line(plot, series.Finals, "finals/s", Colors.DarkOrange);
            Line(plot, series.Errors, "errors/s", Colors.Crimson);
            plot.Title($"{mode}: throughput");
            plot.XLabel("seconds since the sale started");
            plot.YLabel("per second");
            plot.Axes.SetLimitsY(0, Math.Max(1, new[] { series.Answers, series.Accepted, series.Finals, series.Errors }.SelectMany(s => s).DefaultIfEmpty(0).Max()) * 1.1);
            plot.ShowLegend(Alignment.UpperRight);
            figure.AddPlot(plot);
        }

        figure.SavePng(path, 700 * modes.Count, 500);
    }

    /// <summary>Host threads, resident memory and CPU over the sale, every mode on the same axes.</summary>
    public static void Resources(string path, IReadOnlyList<(string Mode, IReadOnlyList<ProcessSample> Samples)> modes)
    {
        var figure = Figure(new ScottPlot.MultiplotLayouts.Rows());
        var threads = new Plot();
        var rss = new Plot();
        var cpu = new Plot();
        Color[] palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Purple];
        for (var m = 0; m < modes.Count; m++)
        {
            var (mode, samples) = modes[m];
            var seconds = samples.Select(s => s.Seconds).ToArray();
            var color = palette[m % palette.Length];
            Line(threads, seconds, [.. samples.Select(s => (double)s.Threads)], mode, color);
            Line(rss, seconds, [.. samples.Select(s => s.RssMb)], mode, color);
            Line(cpu, seconds, [.. samples.Select(s => s.CpuPercent)], $"{mode}: host", color);
            Line(cpu, seconds, [.. samples.Select(s => s.ToolCpuPercent)], $"{mode}: load tool", color, dashed: true);
        }

        var all = modes.SelectMany(m => m.Samples).ToList();
        foreach (var (plot, title, unit, top) in new[]
        {
            (threads, "host threads", "threads", all.Select(s => (double)s.Threads).DefaultIfEmpty(0).Max()),
            (rss, "host resident memory", "MB", all.Select(s => s.RssMb).DefaultIfEmpty(0).Max()),
            (cpu, "CPU (100 = one core)", "%", all.Select(s => Math.Max(s.CpuPercent, s.ToolCpuPercent)).DefaultIfEmpty(0).Max()),
        })
        {
            plot.Title(title);
            plot.YLabel(unit);
            plot.XLabel("seconds since sampling started");
            plot.Axes.SetLimitsY(0, Math.Max(1, top) * 1.1);
            plot.ShowLegend(Alignment.UpperRight);
            figure.AddPlot(plot);
        }

        figure.SavePng(path, 1000, 1100);
    }

    /// <summary>Requests per second of each target of the accept scenario, per round.</summary>
    public static void Bars(string path, string title, string unit, IReadOnlyList<(string Label, double Value)> bars)
    {
        var plot = new Plot();
        var positions = new List<Tick>();
        for (var i = 0; i < bars.Count; i++)
        {
            plot.Add.Bar(i, bars[i].Value);
            positions.Add(new Tick(i, bars[i].Label));
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. positions]);
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(unit);
        plot.SavePng(path, Math.Max(700, 120 * bars.Count), 500);
    }

    /// <summary>An empty figure (a new Multiplot holds one plot already) with <paramref name="layout"/>.</summary>
    private static Multiplot Figure(IMultiplotLayout layout)
    {
        var figure = new Multiplot { Layout = layout };
        while (figure.Subplots.Count > 0)
        {
            figure.Subplots.RemoveAt(0);
        }

        return figure;
    }

    private static void Distribution(Plot plot, string title, HistogramBase histogram, Color color)
    {
        var points = histogram.Distribution();
        if (points.Count > 0)
        {
            var line = plot.Add.ScatterLine(
                points.Select(p => p.Percentile >= 100 ? MaxPosition : -Math.Log10(1 - p.Percentile / 100)).ToArray(),
                points.Select(p => p.Ms).ToArray(),
                color);
            line.LegendText = $"{histogram.TotalCount:N0} measured";
            line.LineWidth = 2;
            plot.ShowLegend(Alignment.UpperLeft);
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [0, 1, 2, 3, 4, MaxPosition], ["0%", "90%", "99%", "99.9%", "99.99%", "max"]);
        plot.Axes.SetLimitsX(0, MaxPosition + 0.1);
        plot.Axes.SetLimitsY(0, Math.Max(1, points.Select(p => p.Ms).DefaultIfEmpty(0).Max()) * 1.1);
        plot.Title(title + (points.Count == 0 ? " (none)" : ""));
        plot.XLabel("percentile");
        plot.YLabel("ms");
    }

    private static void Line(Plot plot, double[] perSecond, string label, Color color) =>
        Line(plot, [.. Enumerable.Range(0, perSecond.Length).Select(i => (double)i)], perSecond, label, color);

    private static void Line(Plot plot, double[] xs, double[] ys, string label, Color color, bool dashed = false)
    {
        if (xs.Length == 0)
        {
            return;
        }

        var line = plot.Add.ScatterLine(xs, ys, color);
        line.LegendText = label;
        line.LineWidth = 2;
        // A short run has a handful of points: marked, so even one shows.
        line.MarkerSize = xs.Length < 40 ? 6 : 0;
        if (dashed)
        {
            line.LinePattern = LinePattern.Dashed;
        }
    }
}
