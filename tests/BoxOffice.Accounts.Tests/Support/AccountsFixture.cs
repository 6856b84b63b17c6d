using System.Net.Http.Json;
using System.Text.Json;
using BoxOffice.Messaging.Storage;
using BoxOffice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Accounts.Tests.Support;

/// <summary>One running accounts host shared by the tests of a class; each test uses its own users.</summary>
public sealed class AccountsFixture : IAsyncLifetime
{
    public const string OrganizerPassword = "Organizer-test-7";
    public const string Password = "correct-horse-1";

    private readonly TempDirectory _directory = new("accounts");
    private AccountsHost? _host;

    internal AccountsHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    public HttpClient Client => Host.Client;

    public async ValueTask InitializeAsync() => _host = await AccountsHost.BuildAndStartAsync(_directory.Path);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _directory.Dispose();
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
    public async Task<long> UsersWithEmailAsync(string email)
    {
        var database = Host.Services.GetRequiredKeyedService<ServiceDatabase>("accounts");
        await using var connection = await database.OpenReadAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM AspNetUsers WHERE NormalizedEmail = upper($email)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "$email";
        parameter.Value = email.Trim();
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Sends <paramref name="body"/> as JSON with <paramref name="method"/>, with the token if any.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<HttpResponseMessage> GetMeAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
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
