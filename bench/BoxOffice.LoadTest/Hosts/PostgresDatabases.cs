using Npgsql;

namespace BoxOffice.LoadTest.Hosts;

internal static class PostgresDatabases
{
    /// <summary>Drops the databases a throwaway host made, <c>{prefix}_*</c>.</summary>
    public static async Task DropAsync(string server, string prefix)
    {
        if (!prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException("A database prefix is lower-case letters, digits and underscores.", nameof(prefix));
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @pattern", connection))
        {
            list.Parameters.AddWithValue("pattern", prefix + "\\_%");
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
