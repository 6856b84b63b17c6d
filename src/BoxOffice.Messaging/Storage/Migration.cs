namespace BoxOffice.Messaging.Storage;

/// <summary>
/// One versioned schema change of a database. Versions are applied in order, once, each in its
/// own transaction with the record of having applied it. Write SQL both SQLite and PostgreSQL
/// accept (BIGINT, TEXT, INTEGER, ON CONFLICT) or give the PostgreSQL text separately.
/// </summary>
/// <param name="Version">Increasing within its scope; never reused or edited once shipped.</param>
/// <param name="Name">What it does, for the record.</param>
/// <param name="Sql">The statements for SQLite.</param>
/// <param name="PostgresSql">The statements for PostgreSQL, where they differ.</param>
public sealed record Migration(int Version, string Name, string Sql, string? PostgresSql = null);

/// <summary>A named, ordered list of migrations owned by one module.</summary>
/// <param name="Scope">Who owns these versions, for example <c>tickets</c>.</param>
/// <param name="Migrations">The migrations, in version order.</param>
public sealed record MigrationSet(string Scope, IReadOnlyList<Migration> Migrations);
