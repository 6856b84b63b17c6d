using System.Text.RegularExpressions;
using BoxOffice.Host.Tests.Support;

namespace BoxOffice.Host.Tests.Documenting;

/// <summary>Every link in the docs resolves inside the repository.</summary>
public sealed partial class LinkingDocs
{
    public static TheoryData<string> Documents() =>
    [
        .. Directory.EnumerateFiles(Repository.Root, "*.md", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}artifacts{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Repository.Root, f)),
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_and_quoted_path_resolves_inside_the_repository(string document)
    {
        var path = Path.Combine(Repository.Root, document);
        var text = File.ReadAllText(path);
        var folder = Path.GetDirectoryName(path)!;
        var broken = new List<string>();

        foreach (Match link in MarkdownLink().Matches(text))
        {
            var target = link.Groups[1].Value.Split('#')[0];
            if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var resolved = Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(target)));
            if (!resolved.StartsWith(Repository.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                broken.Add($"{target} (outside the repository)");
            }
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target} (no such file)");
            }
        }

        // Quoted paths that leave the repository or name this machine's folders mean nothing to a reader of a clone.
        foreach (Match quoted in QuotedRelativePath().Matches(text))
        {
            var resolved = Path.GetFullPath(Path.Combine(folder, quoted.Groups[1].Value));
            if (!resolved.StartsWith(Repository.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || (!File.Exists(resolved) && !Directory.Exists(resolved)))
            {
                broken.Add($"{quoted.Groups[1].Value} (not a path in the repository)");
            }
        }

        foreach (Match machinePath in MachinePath().Matches(text))
        {
            broken.Add($"{machinePath.Value} (a folder of one machine)");
        }

        broken.ShouldBeEmpty($"{document} points at: {string.Join(", ", broken)}");
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"`(\.\./[^`\s]+)`")]
    private static partial Regex QuotedRelativePath();

    [GeneratedRegex(@"(?<![\w.])/work/[\w./-]*")]
    private static partial Regex MachinePath();
}
