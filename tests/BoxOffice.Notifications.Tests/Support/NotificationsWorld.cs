using System.Runtime.CompilerServices;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Testing;

namespace BoxOffice.Notifications.Tests.Support;

/// <summary>
/// The Notifications module on the shared <see cref="ModuleHost"/>, with the accounts, tickets and
/// payments logs standing in for those services, on SQLite files in a folder of the test's own.
/// </summary>
internal sealed class NotificationsWorld : IAsyncDisposable
{
    private readonly ModuleHost _host;

    private NotificationsWorld(ModuleHost host) => _host = host;

    public HttpClient Http => _host.Client;

    public Uri BaseUrl => _host.BaseUrl;

    public string MailDirectory => Path.Combine(_host.DataDirectory, "mail");

    public IServiceProvider Services => _host.Services;

    /// <param name="settings">Notifications settings, without the section prefix (for example <c>Smtp:Host</c>).</param>
    public static async Task<NotificationsWorld> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            // Short waits between attempts keep the retrying tests quick; the backoff itself is tested without a host.
            ["Notifications:RetryDelay"] = "00:00:00.050",
            ["Notifications:MaxRetryDelay"] = "00:00:00.200",
            // Transient SMTP failures are expected in some tests; they log a warning each.
            ["Logging:LogLevel:BoxOffice.Notifications.Mail.MailSender"] = "Error",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all["Notifications:" + key] = value;
        }

        return new NotificationsWorld(await ModuleHost.StartAsync(new ModuleHostOptions
        {
            Module = "notifications",
            Upstream = ["accounts", "tickets", "payments"],
            Add = (messaging, configuration) => messaging.AddNotifications(configuration),
            Map = app => app.MapNotifications(),
            Settings = all,
        }));
    }

    /// <summary>Stops the host and starts a new one on the same database files and mail folder.</summary>
    public Task RestartAsync() => _host.RestartAsync();

    public ServiceDatabase Database(string name) => _host.Database(name);

    /// <summary>Publishes an event to its producer's log as that service would.</summary>
    public Task PublishAsync<T>(T @event) where T : IEvent<T> => _host.PublishAsync(@event);

    /// <summary>A signed access token for a buyer, as logging in gives it.</summary>
    public string TokenFor(Buyer buyer) =>
        _host.Token(new TokenHolder(buyer.UserId, buyer.Email, buyer.DisplayName, new DateOnly(1990, 1, 1), [Roles.Buyer]));

    public HttpRequestMessage Get(string path, Buyer? buyer) =>
        _host.Request(HttpMethod.Get, path, buyer is null ? null : TokenFor(buyer));

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

    public Task<long> FeedCountAsync() => Database("notifications").CountAsync("SELECT COUNT(*) FROM feed");

    public string[] EmlFiles() =>
        Directory.Exists(MailDirectory) ? Directory.GetFiles(MailDirectory, "*.eml") : [];

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

internal sealed record Buyer(Guid UserId, string Email, string DisplayName);

internal sealed record MailRow(long NotificationId, Guid UserId, string? To, string Kind, string Subject, string Status, int Attempts, string? LastError, string Text);

internal static class NotificationsTestDefaults
{
    /// <summary>These tests wait at most 10 seconds for background work unless a call says otherwise.</summary>
    [ModuleInitializer]
    internal static void WaitTenSeconds() => Eventually.DefaultTimeout = TimeSpan.FromSeconds(10);
}
