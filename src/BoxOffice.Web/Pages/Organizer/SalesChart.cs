using System.Globalization;
using System.Text;
using BoxOffice.Web.Api;

namespace BoxOffice.Web.Pages.Organizer;

/// <summary>The sales chart as an inline SVG polyline: drawn on the server, swapped in by the page's refresh.</summary>
internal sealed record SalesChart(string Points, long Max)
{
    public const int Width = 600;
    public const int Height = 200;
    public const int Left = 40;
    public const int Right = Width - 10;
    public const int Top = 10;
    public const int Bottom = Height - 24;

    public static SalesChart Of(IReadOnlyList<SalesPoint> series)
    {
        var max = Math.Max(1, series.Count == 0 ? 0 : series.Max(p => p.Tickets));
        var points = new StringBuilder();
        for (var i = 0; i < series.Count; i++)
        {
            var x = Left + ((Right - Left) * (series.Count == 1 ? 1.0 : i / (double)(series.Count - 1)));
            var y = Bottom - ((Bottom - Top) * series[i].Tickets / (double)max);
            points.Append(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#} ");
        }

        return new SalesChart(points.ToString().TrimEnd(), max);
    }
}
