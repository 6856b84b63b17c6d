using System.Globalization;

namespace BoxOffice.LoadTest.Reporting;

internal static class RunFolder
{
    /// <summary>Creates <c>{out}/{yyyyMMdd-HHmmss}-{name}/</c> (local time) and returns its full path.</summary>
    public static string Create(string output, string name)
    {
        var safe = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-')]);
        var folder = Path.GetFullPath(Path.Combine(output, $"{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{safe}"));
        for (var n = 2; Directory.Exists(folder); n++)
        {
            folder = Path.GetFullPath(Path.Combine(output, $"{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{safe}-{n}"));
        }

        return Directory.CreateDirectory(folder).FullName;
    }
}
