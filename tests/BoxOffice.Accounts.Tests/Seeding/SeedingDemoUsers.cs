using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BoxOffice.Accounts.Seeding;
using BoxOffice.Accounts.Tests.Support;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BoxOffice.Accounts.Tests.Seeding;

public sealed class SeedingDemoUsers
{
    // What the code used to give the demo accounts when no password was configured.
    private const string OldDemoOrganizerPassword = "Organizer-demo-1";
    private const string OldDemoBuyerPassword = "Buyer-demo-1";

    private const string BuyerPassword = "Buyer-test-5";

    [Fact]
    public async Task Seeding_creates_the_organizer_and_the_buyers_with_the_configured_passwords()
    {
        using var directory = new TempDirectory("accounts");
        await using var host = await AccountsHost.BuildAndStartAsync(directory.Path, new Dictionary<string, string?> { ["Seed:BuyerPassword"] = BuyerPassword });

        var organizer = await TokenAsync(host, "organizer@boxoffice.local", AccountsFixture.OrganizerPassword);
        organizer.Claims.Where(c => c.Type == "role").Select(c => c.Value).ShouldBe(["buyer", "organizer"], ignoreOrder: true);
        organizer.GetClaim("name").Value.ShouldBe("Demo Organizer");
        using (var withOldDefault = await LoginAsync(host, "organizer@boxoffice.local", OldDemoOrganizerPassword))
        {
            withOldDefault.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await TokenAsync(host, "alice@boxoffice.local", BuyerPassword)).GetClaim("birthdate").Value.ShouldBe("1990-04-12");
        var bob = await TokenAsync(host, "bob@boxoffice.local", BuyerPassword);
        bob.GetClaim("birthdate").Value.ShouldBe("2011-06-30");
        bob.Claims.Where(c => c.Type == "role").Select(c => c.Value).ShouldBe(["buyer"]);
        (await TokenAsync(host, "carol@boxoffice.local", BuyerPassword)).GetClaim("birthdate").Value.ShouldBe("1985-11-02");
        host.Logs.Entries.ShouldNotContain(e => e.Message.Contains("Seed__OrganizerPassword", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_start_duplicates_nothing_and_changes_no_password()
    {
        using var directory = new TempDirectory("accounts");
        var settings = new Dictionary<string, string?> { ["Seed:BuyerPassword"] = "Buyer-test-9" };
        await using (var first = await AccountsHost.BuildAndStartAsync(directory.Path, settings))
        {
            (await CountAsync(first, "SELECT COUNT(*) FROM AspNetUsers")).ShouldBe(4);
        }

        // A different configured password must not reach the accounts seeded already.
        settings["Seed:OrganizerPassword"] = "Changed-later-3";
        await using var second = await AccountsHost.BuildAndStartAsync(directory.Path, settings);

        (await CountAsync(second, "SELECT COUNT(*) FROM AspNetUsers")).ShouldBe(4);
        (await CountAsync(second, "SELECT COUNT(*) FROM AspNetUserRoles")).ShouldBe(5);
        (await CountAsync(second, "SELECT COUNT(*) FROM AspNetRoles")).ShouldBe(2);
        (await TokenAsync(second, "organizer@boxoffice.local", AccountsFixture.OrganizerPassword)).GetClaim("email").Value.ShouldBe("organizer@boxoffice.local");
        (await TokenAsync(second, "alice@boxoffice.local", "Buyer-test-9")).GetClaim("email").Value.ShouldBe("alice@boxoffice.local");
        second.Logs.Entries.ShouldNotContain(e => e.Message.Contains("Seed__OrganizerPassword", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_seed_passwords_nobody_is_created_and_the_log_says_how_to_create_the_first_organizer()
    {
        using var directory = new TempDirectory("accounts");
        await using var host = await AccountsHost.BuildAndStartAsync(directory.Path, new Dictionary<string, string?> { ["Seed:OrganizerPassword"] = null });

        (await CountAsync(host, "SELECT COUNT(*) FROM AspNetUsers")).ShouldBe(0);
        foreach (var (email, password) in new[] { ("organizer@boxoffice.local", OldDemoOrganizerPassword), ("alice@boxoffice.local", OldDemoBuyerPassword) })
        {
            using var login = await LoginAsync(host, email, password);
            login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, email);
        }

        host.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning
            && e.Message.Contains("organizer@boxoffice.local", StringComparison.Ordinal)
            && e.Message.Contains("Seed__OrganizerPassword", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_only_the_organizer_password_only_the_organizer_is_created()
    {
        using var directory = new TempDirectory("accounts");
        await using var host = await AccountsHost.BuildAndStartAsync(directory.Path);

        (await CountAsync(host, "SELECT COUNT(*) FROM AspNetUsers")).ShouldBe(1);
        (await TokenAsync(host, "organizer@boxoffice.local", AccountsFixture.OrganizerPassword)).GetClaim("email").Value.ShouldBe("organizer@boxoffice.local");
        using var alice = await LoginAsync(host, "alice@boxoffice.local", OldDemoBuyerPassword);
        alice.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task With_seeding_disabled_nobody_is_created_but_registration_works()
    {
        using var directory = new TempDirectory("accounts");
        await using var host = await AccountsHost.BuildAndStartAsync(directory.Path, new Dictionary<string, string?> { ["Seed:Enabled"] = "false" });

        (await CountAsync(host, "SELECT COUNT(*) FROM AspNetUsers")).ShouldBe(0);
        using var registered = await host.Client.PostAsJsonAsync(
            "/api/accounts/register",
            new { email = "first@example.org", password = AccountsFixture.Password, displayName = "First", birthDate = "1990-01-01" },
            TestContext.Current.CancellationToken);
        registered.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Seeding_starts_after_the_messaging_runtime_has_migrated_the_database()
    {
        using var directory = new TempDirectory("accounts");
        await using var app = AccountsHost.Build(directory.Path);

        var hosted = app.Services.GetServices<IHostedService>().ToList();

        hosted.FindIndex(s => s is MessagingRuntime).ShouldBeLessThan(hosted.FindIndex(s => s is SeedDemoUsers));
        hosted.FindIndex(s => s is MessagingRuntime).ShouldBeGreaterThanOrEqualTo(0);
    }

    private static Task<HttpResponseMessage> LoginAsync(ModuleHost host, string email, string password) =>
        host.Client.PostAsJsonAsync("/api/accounts/login", new { email, password }, TestContext.Current.CancellationToken);

    private static async Task<JsonWebToken> TokenAsync(ModuleHost host, string email, string password)
    {
        using var response = await LoginAsync(host, email, password);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, email);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return new JsonWebTokenHandler().ReadJsonWebToken(body.GetProperty("accessToken").GetString());
    }

    private static Task<long> CountAsync(ModuleHost host, string sql) => host.Database("accounts").CountAsync(sql);
}
