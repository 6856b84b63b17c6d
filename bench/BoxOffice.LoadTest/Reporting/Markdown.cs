using System.Globalization;
using System.Text;

namespace BoxOffice.LoadTest.Reporting;

/// <summary>A little Markdown writer for the reports: headings, bullets, tables.</summary>
internal sealed class Markdown
{
    private readonly StringBuilder _text = new();

    public Markdown Heading(string text, int level = 2) => Line($"{new string('#', level)} {text}").Line();

    public Markdown Bullet(string text) => Line($"- {text}");

    public Markdown Paragraph(string text) => Line(text).Line();

    /// <summary>A table; with <paramref name="rightAlignedFrom"/>, that column and the ones after it are right-aligned (figures).</summary>
    public Markdown Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, int rightAlignedFrom = int.MaxValue)
    {
        Line("| " + string.Join(" | ", header) + " |");
        Line("|" + string.Concat(header.Select((_, i) => i < rightAlignedFrom ? "---|" : "---:|")));
        foreach (var row in rows)
        {
            Line("| " + string.Join(" | ", row.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        return Line();
    }

    public Markdown Line(string text = "")
    {
        _text.Append(text).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    public static string N(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
}
