using System.Net;
using System.Text.Json;
using BoxOffice.Accounts.Tests.Support;
using BoxOffice.Messaging.Storage;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Accounts.Tests.Closing;

public sealed class ClosingAnAccount(AccountsFixture accounts) : IClassFixture<AccountsFixture>
{
    [Fact]
    public async Task Closing_with_the_password_deletes_the_account_and_announces_AccountClosed_once()
    {
        var email = AccountsFixture.NewEmail("leaving");
        var id = (await accounts.RegisterAsync(email)).GetProperty("id").GetGuid();
        var token = await accounts.TokenAsync(email);

        using var closed = await accounts.SendAsync(HttpMethod.Delete, "/api/me", token, new { password = AccountsFixture.Password });

        closed.StatusCode.ShouldBe(HttpStatusCode.NoContent, await closed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Problem.TypeOf(await Problem.ReadAsync(await accounts.GetMeAsync(token), HttpStatusCode.NotFound)).ShouldBe(Problem.TypeBase + "not-found");
        using (var login = await accounts.LoginAsync(email, AccountsFixture.Password))
        {
            Problem.TypeOf(await Problem.ReadAsync(login, HttpStatusCode.Unauthorized)).ShouldBe(Problem.TypeBase + "invalid-credentials");
        }

        // Another account closed after this one: once its closure is announced, this one's has been as often as it will be.
        var laterEmail = AccountsFixture.NewEmail("leaving-later");
        var laterId = (await accounts.RegisterAsync(laterEmail)).GetProperty("id").GetGuid();
        using (var laterClosed = await accounts.SendAsync(HttpMethod.Delete, "/api/me", await accounts.TokenAsync(laterEmail), new { password = AccountsFixture.Password }))
        {
            laterClosed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        await Eventually.HoldsAsync(() => PayloadsAsync("accounts.closed.v1", laterId), p => p.Count > 0, "the later closure is announced");
        var closure = (await PayloadsAsync("accounts.closed.v1", id)).ShouldHaveSingleItem();
        closure.GetProperty("userId").GetGuid().ShouldBe(id);
        (await accounts.UsersWithEmailAsync(email)).ShouldBe(0);
    }

    [Fact]
    public async Task A_wrong_password_closes_nothing()
    {
        var email = AccountsFixture.NewEmail("staying");
        await accounts.RegisterAsync(email);
        var token = await accounts.TokenAsync(email);

        using var refused = await accounts.SendAsync(HttpMethod.Delete, "/api/me", token, new { password = "not-my-password-1" });
        using var missing = await accounts.SendAsync(HttpMethod.Delete, "/api/me", token, new { });
        using var unknown = await accounts.SendAsync(HttpMethod.Delete, "/api/me", token, new { password = AccountsFixture.Password, force = true });

        Problem.TypeOf(await Problem.ReadAsync(refused, HttpStatusCode.Forbidden)).ShouldBe(Problem.TypeBase + "wrong-password");
        Problem.TypeOf(await Problem.ReadAsync(missing, HttpStatusCode.BadRequest)).ShouldBe(Problem.TypeBase + "invalid-request");
        Problem.TypeOf(await Problem.ReadAsync(unknown, HttpStatusCode.BadRequest)).ShouldBe(Problem.TypeBase + "invalid-request");
        (await accounts.UsersWithEmailAsync(email)).ShouldBe(1);
        (await accounts.TokenAsync(email)).ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Without_a_token_nothing_is_closed()
    {
        using var response = await accounts.SendAsync(HttpMethod.Delete, "/api/me", token: null, new { password = AccountsFixture.Password });

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task<List<JsonElement>> PayloadsAsync(string type, Guid userId)
    {
        var database = accounts.Host.Services.GetRequiredKeyedService<ServiceDatabase>("accounts");
        await using var connection = await database.OpenReadAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM event_log WHERE type = $type ORDER BY seq";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "$type";
        parameter.Value = type;
        command.Parameters.Add(parameter);
        var payloads = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var payload = JsonDocument.Parse(reader.GetString(0)).RootElement.Clone();
            if (payload.GetProperty("userId").GetGuid() == userId)
            {
                payloads.Add(payload);
            }
        }

        return payloads;
    }
}
