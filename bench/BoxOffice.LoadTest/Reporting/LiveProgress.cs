using System.Diagnostics;
using Spectre.Console;

namespace BoxOffice.LoadTest.Reporting;

/// <summary>
/// Progress while a run goes: a live table refreshed twice a second in a terminal, or, when the
/// output is redirected (a file, CI, a test), one plain line per second.
/// </summary>
internal static class LiveProgress
{
    /// <summary>Shows <paramref name="read"/>'s figures until <paramref name="until"/> completes.</summary>
    public static async Task ShowAsync(string title, Func<IReadOnlyList<(string Name, string Value)>> read, Task until)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var clock = Stopwatch.StartNew();
            while (await Task.WhenAny(until, Task.Delay(TimeSpan.FromSeconds(1))) != until)
            {
                Console.WriteLine($"[{title}] " + string.Join(", ", read().Select(f => $"{f.Name} {f.Value}")));
            }

            return;
        }

        var table = new Table().Title(Markup.Escape(title)).AddColumn("").AddColumn(new TableColumn("").RightAligned()).HideHeaders();
        foreach (var (name, value) in read())
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        }

        await AnsiConsole.Live(table).StartAsync(async context =>
        {
            while (true)
            {
                var finished = await Task.WhenAny(until, Task.Delay(500)) == until;
                var figures = read();
                for (var i = 0; i < figures.Count; i++)
                {
                    table.UpdateCell(i, 1, Markup.Escape(figures[i].Value));
                }

                context.Refresh();
                if (finished)
                {
                    return;
                }
            }
        });
    }
}
