using System.Net.Http.Json;
using System.Text.Json;
using BoxOffice.Testing;

namespace BoxOffice.Accounts.Tests.Support;

/// <summary>One running accounts host shared by the tests of a class; each test uses its own users.</summary>
public sealed class AccountsFixture : IAsyncLifetime
{
    public const string OrganizerPassword = AccountsHost.OrganizerPassword;
    public const string Password = "correct-horse-1";

    private ModuleHost? _host;

    internal ModuleHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    public HttpClient Client => Host.Client;

    public async ValueTask InitializeAsync() => _host = await ModuleHost.StartAsync(AccountsHost.Options());

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>An address no other test uses.</summary>
    public static string NewEmail(string who = "user") => $"{who}-{Guid.NewGuid():N}@example.org";

    public Task<HttpResponseMessage> RegisterAsync(object body) =>
        Client.PostAsJsonAsync("/api/accounts/register", body, TestContext.Current.CancellationToken);

    public async Task<JsonElement> RegisterAsync(string email, string password = Password, string displayName = "Dana Buyer", string birthDate = "1992-03-04")
    {
        using var response = await RegisterAsync(new { email, password, displayName, birthDate });
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    public Task<HttpResponseMessage> LoginAsync(string email, string password) =>
        Client.PostAsJsonAsync("/api/accounts/login", new { email, password }, TestContext.Current.CancellationToken);

    /// <summary>Logs in and returns the access token.</summary>
    public async Task<string> TokenAsync(string email, string password = Password)
    {
        using var response = await LoginAsync(email, password);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("accessToken").GetString()!;
    }

    /// <summary>How many users the database holds with this address (0 or 1).</summary>
    public Task<long> UsersWithEmailAsync(string email) =>
        Host.Database("accounts").CountAsync("SELECT COUNT(*) FROM AspNetUsers WHERE NormalizedEmail = upper(@email)", ("@email", email.Trim()));

    /// <summary>Sends <paramref name="body"/> as JSON with <paramref name="method"/>, with the token if any.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null) =>
        Host.SendAsync(method, path, token, body);

    public Task<HttpResponseMessage> GetMeAsync(string? token) => Host.SendAsync(HttpMethod.Get, "/api/me", token);
}

internal static class Problem
{
    public const string TypeBase = "https://boxoffice.local/problems/";

    /// <summary>The problem details of a refusal, after checking its status.</summary>
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string TypeOf(JsonElement problem) => problem.GetProperty("type").GetString()!;
}
