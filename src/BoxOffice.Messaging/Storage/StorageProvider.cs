namespace BoxOffice.Messaging.Storage;

/// <summary>
/// Where the service databases live (setting <c>BoxOffice:Storage</c>): the same migrations, SQL
/// and guarantees on both.
/// </summary>
public enum StorageProvider
{
    /// <summary>One SQLite file per service in the data directory (the default: nothing to install).</summary>
    Sqlite,

    /// <summary>
    /// One PostgreSQL database per service, <c>{prefix}_{service}</c>, on the server named by
    /// <c>ConnectionStrings:Postgres</c>; created at start-up when missing.
    /// </summary>
    Postgres,
}
