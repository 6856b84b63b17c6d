using BoxOffice.ServiceDefaults;

namespace BoxOffice.Testing;

/// <summary>
/// The store test hosts run on, and the one place a test host's configuration is assembled
/// (<see cref="ModuleHost"/> and the embedded host's <c>TestApp</c> both take theirs from
/// <see cref="HostConfiguration"/>).
/// </summary>
/// <remarks>
/// The data folder, and on PostgreSQL (<see cref="StoreUnderTest"/>) <c>BoxOffice:Storage</c>,
/// <c>ConnectionStrings:Postgres</c> and a <c>BoxOffice:DatabasePrefix</c> made from the data
/// folder's path, so that two tests never share a database and a host restarted on the same folder
/// finds its databases again; they are dropped with the folder (<see cref="TempDirectory"/>).
/// </remarks>
public static class TestStorage
{
    /// <summary>The storage settings of a host keeping its data in <paramref name="dataDirectory"/>.</summary>
    /// <param name="dataDirectory">The host's data folder (full path).</param>
    /// <param name="postgres">Whether to use PostgreSQL; the assembly's store unless given.</param>
    /// <returns>The configuration keys to add.</returns>
    public static IReadOnlyDictionary<string, string?> Settings(string dataDirectory, bool? postgres = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var settings = new Dictionary<string, string?> { [DataFolder.Key] = dataDirectory };
        foreach (var (key, value) in StoreUnderTest.SettingsFor(dataDirectory, postgres))
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// A test host's configuration: its <paramref name="defaults"/>, then the storage
    /// (<see cref="Settings"/>), then the test's own <paramref name="settings"/>; a later key wins,
    /// and a null value removes a default.
    /// </summary>
    /// <param name="dataDirectory">The host's data folder (full path).</param>
    /// <param name="defaults">What the kind of host always sets (log levels, quick retries …).</param>
    /// <param name="settings">What one test sets; may be null.</param>
    /// <returns>Every key, to add as one in-memory source after the host's own sources.</returns>
    public static Dictionary<string, string?> HostConfiguration(
        string dataDirectory,
        IEnumerable<KeyValuePair<string, string?>> defaults,
        IEnumerable<KeyValuePair<string, string?>>? settings)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in defaults.Concat(Settings(dataDirectory)).Concat(settings ?? []))
        {
            all[key] = value;
        }

        return all;
    }
}
