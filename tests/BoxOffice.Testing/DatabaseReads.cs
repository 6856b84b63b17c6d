using System.Globalization;
using BoxOffice.Messaging.Storage;
using Xunit;

namespace BoxOffice.Testing;

/// <summary>Single values read from a service's own database, as a test's evidence.</summary>
public static class DatabaseReads
{
    /// <summary>The first column of the first row of <paramref name="sql"/>, or null (for none or SQL NULL).</summary>
    /// <param name="database">The service's database.</param>
    /// <param name="sql">A query; parameters by name (<c>@id</c>).</param>
    /// <param name="parameters">Its parameters, typed as the columns are (text ids, bigint times).</param>
    /// <returns>The value as the provider returns it.</returns>
    public static async Task<object?> ScalarAsync(this ServiceDatabase database, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(parameters);
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await database.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        var result = await command.ExecuteScalarAsync(ct);
        return result is DBNull ? null : result;
    }

    /// <summary>A number <paramref name="sql"/> selects (a <c>COUNT(*)</c>, an integer column), 0 when there is none.</summary>
    /// <param name="database">The service's database.</param>
    /// <param name="sql">A query; parameters by name (<c>@id</c>).</param>
    /// <param name="parameters">Its parameters, typed as the columns are.</param>
    /// <returns>The value as a long (<c>COUNT(*)</c> is bigint on PostgreSQL, integer on SQLite).</returns>
    public static async Task<long> CountAsync(this ServiceDatabase database, string sql, params (string Name, object? Value)[] parameters) =>
        Convert.ToInt64(await database.ScalarAsync(sql, parameters) ?? 0L, CultureInfo.InvariantCulture);
}
