using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Notifications.Tests.Support;

/// <summary>
/// A host wired like production on loopback: the accounts, tickets and payments logs (standing in
/// for those services) and the Notifications module, on SQLite files in a folder of the test's own.
/// </summary>
internal sealed class NotificationsWorld : IAsyncDisposable
{
    private static readonly string SigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private readonly TempDirectory _dir = new("notifications");
    private readonly Dictionary<string, string?> _settings;
    private WebApplication? _app;

    private NotificationsWorld(Dictionary<string, string?> settings) => _settings = settings;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Uri BaseUrl { get; private set; } = null!;

    public string MailDirectory => Path.Combine(_dir.Path, "boxoffice", "mail");

    public IServiceProvider Services => _app!.Services;

    /// <param name="settings">Notifications settings, without the section prefix (for example <c>Smtp:Host</c>).</param>
    public static async Task<NotificationsWorld> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var world = new NotificationsWorld(settings ?? []);
        await world.StartHostAsync();
        return world;
    }

    /// <summary>Stops the host and starts a new one on the same database files and mail folder.</summary>
    public async Task RestartAsync()
    {
        await _app!.StopAsync(TestContext.Current.CancellationToken);
        await _app.DisposeAsync();
        _app = null;
        await StartHostAsync();
    }

    public ServiceDatabase Database(string name) => Services.GetRequiredKeyedService<ServiceDatabase>(name);

    /// <summary>Publishes an event to its producer's log as that service would.</summary>
    public async Task PublishAsync<T>(T @event) where T : IEvent<T>
    {
        await using var tx = await Database(EventEnvelope.SourceOf(T.WireName)).BeginAsync(TestContext.Current.CancellationToken);
        tx.Publish(@event);
        await tx.CommitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A signed access token for a buyer.</summary>
    public string TokenFor(Buyer buyer) =>
        TestTokens.Buyer(Services.GetRequiredService<TokenSigning>(), buyer.UserId, buyer.DisplayName, buyer.Email, new DateOnly(1990, 1, 1));

    public HttpRequestMessage Get(string path, Buyer? buyer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl, path));
        if (buyer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(buyer));
        }

        return request;
    }

    /// <summary>The notifications database's rows, as a test sees them.</summary>
    public async Task<List<MailRow>> MailsAsync()
    {
        var rows = new List<MailRow>();
        await using var connection = await Database("notifications").OpenReadAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT m.notification_id, m.user_id, m.to_address, m.kind, m.subject, m.status, m.attempts, m.last_error, f.text
            FROM mails m JOIN feed f ON f.id = m.notification_id ORDER BY m.notification_id
            """;
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(new MailRow(
                reader.GetInt64(0), Guid.Parse(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetString(8)));
        }

        return rows;
    }

    public async Task<long> FeedCountAsync()
    {
        await using var connection = await Database("notifications").OpenReadAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM feed";
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture);
    }

    public string[] EmlFiles() =>
        Directory.Exists(MailDirectory) ? Directory.GetFiles(MailDirectory, "*.eml") : [];

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        Http.Dispose();
        _dir.Dispose();
    }

    private async Task StartHostAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["BoxOffice:DataDirectory"] = Path.Combine(_dir.Path, "boxoffice");
        builder.Configuration["Auth:SigningKey"] = SigningKey;
        // Short waits between attempts keep the retrying tests quick; the backoff itself is tested without a host.
        builder.Configuration["Notifications:RetryDelay"] = "00:00:00.050";
        builder.Configuration["Notifications:MaxRetryDelay"] = "00:00:00.200";
        foreach (var (key, value) in _settings)
        {
            builder.Configuration["Notifications:" + key] = value;
        }

        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        // Transient SMTP failures are expected in some tests; they log a warning each.
        builder.Configuration["Logging:LogLevel:BoxOffice.Notifications.Mail.MailSender"] = "Error";
        builder.Logging.ClearProviders().AddSimpleConsole();
        builder.Services
            .AddMessaging(builder.Configuration)
            .AddDatabase("accounts")
            .AddDatabase("tickets")
            .AddDatabase("payments")
            .AddNotifications(builder.Configuration);
        builder.Services.AddBoxOfficeAuthentication(builder.Configuration);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapNotifications();
        await app.StartAsync(TestContext.Current.CancellationToken);
        _app = app;
        BaseUrl = new Uri(app.Urls.First());
    }
}

internal sealed record Buyer(Guid UserId, string Email, string DisplayName);

internal sealed record MailRow(long NotificationId, Guid UserId, string? To, string Kind, string Subject, string Status, int Attempts, string? LastError, string Text);

internal static class NotificationsTestDefaults
{
    /// <summary>These tests wait at most 10 seconds for background work unless a call says otherwise.</summary>
    [ModuleInitializer]
    internal static void WaitTenSeconds() => Eventually.DefaultTimeout = TimeSpan.FromSeconds(10);
}
