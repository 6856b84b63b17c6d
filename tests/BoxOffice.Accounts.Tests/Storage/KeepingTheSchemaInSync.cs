using System.Text.RegularExpressions;
using BoxOffice.Accounts.Storage;
using BoxOffice.Accounts.Tests.Support;
using BoxOffice.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Accounts.Tests.Storage;

public sealed partial class KeepingTheSchemaInSync
{
    [Fact]
    public async Task The_migration_creates_exactly_the_schema_of_the_EF_Core_model()
    {
        using var directory = new TempDirectory("accounts");
        // The context as the application configures it: Identity's store options shape the model.
        await using var app = AccountsHost.Build(directory.Path);
        using var scope = app.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Database.GenerateCreateScript();

        // One migration so far. When a second one comes, compare the schema a database migrated
        // from scratch ends up with against the one this script creates instead.
        var migrations = string.Join("\n", AccountsSchema.Migrations.Migrations.Select(m => m.Sql));

        Normalise(migrations).ShouldBe(Normalise(model),
            "The EF Core model changed: add a migration to AccountsSchema with the difference (GenerateCreateScript shows the whole schema).");
    }

    [Fact]
    public async Task The_PostgreSQL_migration_creates_exactly_the_schema_of_the_EF_Core_model_on_Npgsql()
    {
        using var directory = new TempDirectory("accounts");
        // Built, never started: the script comes from the model and the provider, no server is needed.
        await using var app = AccountsHost.Build(directory.Path, new Dictionary<string, string?>
        {
            ["BoxOffice:Storage"] = "Postgres",
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=unused",
        });
        using var scope = app.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Database.GenerateCreateScript();

        var migrations = string.Join("\n", AccountsSchema.Migrations.Migrations.Select(m => m.PostgresSql ?? m.Sql));

        Normalise(migrations).ShouldBe(Normalise(model),
            "The EF Core model on Npgsql differs from the PostgreSQL text of AccountsSchema's migrations.");
    }

    private static string Normalise(string sql) => Whitespace().Replace(sql, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
