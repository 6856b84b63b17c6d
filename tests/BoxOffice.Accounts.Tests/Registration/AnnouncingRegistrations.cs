using System.Text.Json;
using BoxOffice.Accounts.Tests.Support;
using BoxOffice.Messaging.Storage;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Accounts.Tests.Registration;

public sealed class AnnouncingRegistrations(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task Each_registered_user_is_announced_once_with_AccountRegistered()
    {
        var email = AccountsFixture.NewEmail("announced");
        var registered = await fixture.RegisterAsync(email, birthDate: "1988-07-09");
        var id = registered.GetProperty("id").GetGuid();
        var accounts = fixture.Host.Services.GetRequiredKeyedService<ServiceDatabase>("accounts");

        // A user registered after this one: once they are announced, this one has been announced as often as it will be.
        var laterEmail = AccountsFixture.NewEmail("announced-later");
        await fixture.RegisterAsync(laterEmail);
        var payloads = await Eventually.HoldsAsync(
            () => PayloadsAsync(accounts), all => all.Any(p => p.Contains(laterEmail, StringComparison.Ordinal)), "the later user is announced");

        var mine = payloads.Where(p => p.Contains(email, StringComparison.Ordinal)).ShouldHaveSingleItem();
        using var json = JsonDocument.Parse(mine);
        json.RootElement.GetProperty("userId").GetGuid().ShouldBe(id);
        json.RootElement.GetProperty("displayName").GetString().ShouldBe("Dana Buyer");
        json.RootElement.GetProperty("birthDate").GetString().ShouldBe("1988-07-09");
        // The seeded users are announced too, each once.
        payloads.Count(p => p.Contains("organizer@boxoffice.local", StringComparison.Ordinal)).ShouldBe(1);
    }

    private static async Task<List<string>> PayloadsAsync(ServiceDatabase accounts)
    {
        await using var connection = await accounts.OpenReadAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM event_log WHERE type = 'accounts.registered.v1' ORDER BY seq";
        var payloads = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            payloads.Add(reader.GetString(0));
        }

        return payloads;
    }
}
