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

    /// <summary>The demo organizer's password; the demo default, with a warning, when unset.</summary>
    public string? OrganizerPassword { get; set; }

    /// <summary>The demo buyers' password; <see cref="SeedDemoUsers.DefaultBuyerPassword"/> when unset.</summary>
    public string? BuyerPassword { get; set; }
}

/// <summary>
/// Creates the demo organizer and buyers the first time the service starts. A hosted service that
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
    public const string DefaultOrganizerPassword = "Organizer-demo-1";
    public const string DefaultBuyerPassword = "Buyer-demo-1";

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

        // One transaction for all of them, so the organizer existing means the seed is complete,
        // and two processes starting at once cannot both seed.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await users.FindByEmailAsync(OrganizerEmail) is not null)
        {
            return;
        }

        var organizerPassword = seed.OrganizerPassword;
        if (string.IsNullOrEmpty(organizerPassword))
        {
            organizerPassword = DefaultOrganizerPassword;
            LogDefaultOrganizerPassword(OrganizerEmail, DefaultOrganizerPassword);
        }

        // The organizer's id is the one the Tickets service seeds its demo catalog under.
        await CreateAsync(users, Organizer, organizerPassword, [Roles.Organizer, Roles.Buyer], DemoData.OrganizerId);
        var buyerPassword = string.IsNullOrEmpty(seed.BuyerPassword) ? DefaultBuyerPassword : seed.BuyerPassword;
        foreach (var buyer in Buyers)
        {
            await CreateAsync(users, buyer, buyerPassword, [Roles.Buyer]);
        }

        await transaction.CommitAsync(cancellationToken);
        LogSeeded(1 + Buyers.Length);
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
        Message = "Seed:OrganizerPassword is not set: the demo organizer {Email} gets the demo password '{Password}'. Set Seed:OrganizerPassword (environment variable Seed__OrganizerPassword) to choose another, or Seed:Enabled=false to create no demo users.")]
    private partial void LogDefaultOrganizerPassword(string email, string password);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Count} demo users")]
    private partial void LogSeeded(int count);

    private sealed record DemoUser(string Email, string DisplayName, DateOnly BirthDate);
}
