using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Host.Tests.Hosting;

public sealed class SeedingInProduction
{
    [Fact]
    public async Task Without_seed_passwords_a_production_host_has_no_demo_accounts_nor_catalog_and_says_how_to_create_the_first_organizer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Seed:OrganizerPassword"] = null, ["Seed:BuyerPassword"] = null });
        app.Services.GetRequiredService<IHostEnvironment>().IsProduction().ShouldBeTrue();
        using var anonymous = app.Client();

        // The passwords the code used to give the demo accounts.
        foreach (var (email, password) in new[] { (TestApp.OrganizerEmail, "Organizer-demo-1"), ("alice@boxoffice.local", "Buyer-demo-1"), ("bob@boxoffice.local", "Buyer-demo-1") })
        {
            (await anonymous.PostAsJsonAsync("/api/accounts/login", new { email, password }, ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, email);
        }

        ((JsonArray)await TestApp.Json(await anonymous.GetAsync(new Uri("/api/events", UriKind.Relative), ct))).ShouldBeEmpty();
        app.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning
            && e.Message.Contains(TestApp.OrganizerEmail, StringComparison.Ordinal)
            && e.Message.Contains("Seed__OrganizerPassword", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_organizer_password_configured_the_organizer_exists_and_no_hint_is_logged()
    {
        await using var app = await TestApp.StartAsync();

        (await app.LoginAsync(TestApp.OrganizerEmail, TestApp.OrganizerPassword)).ShouldNotBeNullOrWhiteSpace();
        app.Logs.Entries.ShouldNotContain(e => e.Message.Contains("Seed__OrganizerPassword", StringComparison.Ordinal));
    }
}
