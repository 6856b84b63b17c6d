namespace BoxOffice.Host.Tests.Support;

/// <summary>The repository the tests were built from: its docs and scripts are tested like code.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    /// <summary>
    /// True when a tool the docs tell users to install (curl, jq) is on PATH. On a laptop without it
    /// the test skips saying so; under CI=true a missing tool fails, since .ci/run installs it.
    /// </summary>
    public static void RequireTools(params string[] tools)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        var missing = tools.Where(t => !path.Any(p => File.Exists(Path.Combine(p, t)))).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var message = $"{string.Join(" and ", missing)} not installed (apt-get install -y {string.Join(' ', missing)})";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message + ": CI must install it.");
        }

        Assert.Skip(message + ": the walkthrough test needs it.");
    }

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "BoxOffice.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the repository they were built from.");
    }
}
