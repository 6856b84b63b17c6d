using BoxOffice.Accounts.Storage;
using BoxOffice.Messaging.Hosting;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoxOffice.Accounts.Seeding;

/// <summary>Demo users (configuration section <c>Seed</c>).</summary>
internal sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>Whether to create the demo users on start-up (once).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The demo organizer's password; without it there is no demo organizer (and no demo catalog).</summary>
    public string? OrganizerPassword { get; set; }

    /// <summary>The demo buyers' password; without it there are no demo buyers.</summary>
    public string? BuyerPassword { get; set; }
}

/// <summary>
/// Creates the demo organizer and buyers the first time the service starts — each only when its
/// password is configured: no password is written in code, so outside Development (whose launch
/// profile sets them) nobody exists with a known password. A hosted service that
/// starts after the messaging runtime (hosted services start in registration order, and
/// <c>AddMessaging</c> registers the runtime before <c>AddAccounts</c> can register this), so the
/// accounts database is migrated by then.
/// </summary>
internal sealed partial class SeedDemoUsers(
    IServiceScopeFactory scopes,
    MessagingRuntime runtime,
    IOptions<SeedOptions> options,
    TimeProvider time,
    ILogger<SeedDemoUsers> logger) : IHostedService
{
    public const string OrganizerEmail = "organizer@boxoffice.local";

    private static readonly DemoUser Organizer = new(OrganizerEmail, "Demo Organizer", new DateOnly(1980, 1, 1));

    private static readonly DemoUser[] Buyers =
    [
        new("alice@boxoffice.local", "Alice", new DateOnly(1990, 4, 12)),
        // A minor, for the age-restriction demos.
        new("bob@boxoffice.local", "Bob", new DateOnly(2011, 6, 30)),
        new("carol@boxoffice.local", "Carol", new DateOnly(1985, 11, 2)),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seed = options.Value;
        if (!seed.Enabled)
        {
            return;
        }

        if (!runtime.IsReady)
        {
            throw new InvalidOperationException(
                "The accounts database is not migrated yet. Call AddAccounts on the builder AddMessaging returns, and do not start hosted services concurrently.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();

        // One transaction for all of them, so two processes starting at once cannot both seed.
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var created = 0;
        if (string.IsNullOrEmpty(seed.OrganizerPassword))
        {
            if (await users.FindByEmailAsync(OrganizerEmail) is null)
            {
                LogHowToCreateTheOrganizer(OrganizerEmail);
            }
        }
        else if (await users.FindByEmailAsync(OrganizerEmail) is null)
        {
            // The organizer's id is the one the Tickets service seeds its demo catalog under.
            await CreateAsync(users, Organizer, seed.OrganizerPassword, [Roles.Organizer, Roles.Buyer], DemoData.OrganizerId);
            created++;
        }

        if (!string.IsNullOrEmpty(seed.BuyerPassword))
        {
            foreach (var buyer in Buyers)
            {
                if (await users.FindByEmailAsync(buyer.Email) is null)
                {
                    await CreateAsync(users, buyer, seed.BuyerPassword, [Roles.Buyer]);
                    created++;
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        if (created > 0)
        {
            LogSeeded(created);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CreateAsync(UserManager<Account> users, DemoUser user, string password, string[] roles, Guid? id = null)
    {
        var account = Account.New(user.Email, user.DisplayName, user.BirthDate, time);
        if (id is { } fixedId)
        {
            account.Id = fixedId;
        }

        var created = await users.CreateAsync(account, password);
        if (created.Succeeded)
        {
            created = await users.AddToRolesAsync(account, roles);
        }

        if (!created.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not create the demo user {user.Email}: {string.Join(" ", created.Errors.Select(e => e.Description))} Check the Seed settings.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "There is no organizer yet and Seed:OrganizerPassword is not set. To create the first organizer, {Email}, set the environment variable Seed__OrganizerPassword to a password of at least 10 characters and restart; then remove it.")]
    private partial void LogHowToCreateTheOrganizer(string email);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Count} demo users")]
    private partial void LogSeeded(int count);

    private sealed record DemoUser(string Email, string DisplayName, DateOnly BirthDate);
}
