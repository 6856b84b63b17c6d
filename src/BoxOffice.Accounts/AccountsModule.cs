using BoxOffice.Accounts.Closing;
using BoxOffice.Accounts.Profile;
using BoxOffice.Accounts.Registration;
using BoxOffice.Accounts.Seeding;
using BoxOffice.Accounts.SigningIn;
using BoxOffice.Accounts.Storage;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Accounts;

/// <summary>
/// The accounts module: registration, login with JWT access tokens, the caller's profile, and the
/// demo users. Its users live in the <c>accounts</c> service database.
/// </summary>
public static class AccountsModule
{
    /// <summary>
    /// Adds the accounts database (file <c>accounts.db</c>, Identity tables created by its
    /// migration), ASP.NET Core Identity on it, and the demo-user seeding configured by the
    /// <c>Seed</c> section. Expects <c>AddBoxOfficeAuthentication</c> for the token signing key.
    /// </summary>
    public static MessagingBuilder AddAccounts(this MessagingBuilder messaging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(messaging);
        ArgumentNullException.ThrowIfNull(configuration);
        messaging.AddDatabase(AccountsSchema.Database, AccountsSchema.Migrations, PublishRegistrations.Schema, LoginThrottle.Schema);
        var services = messaging.Services;

        // The messaging runtime creates and migrates the database; EF Core only ever opens it.
        services.AddDbContext<AccountsDbContext>((sp, options) =>
        {
            var database = sp.GetRequiredKeyedService<ServiceDatabase>(AccountsSchema.Database);
            _ = database.Provider == StorageProvider.Postgres
                ? options.UseNpgsql(database.ConnectionString)
                : options.UseSqlite(database.ConnectionString);
        });

        services.AddIdentityCore<Account>(options =>
            {
                // Pinned: a newer default (passkeys) would change the model the migration must match.
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version1;
                options.User.RequireUniqueEmail = true;
                // The user name is the e-mail address, checked as one at registration.
                options.User.AllowedUserNameCharacters = "";
                options.Password.RequiredLength = PasswordPolicy.MinLength;
                options.Password.RequireDigit = true;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                // No account-wide lockout: a stranger could lock the owner out with it. Guessing is
                // slowed per e-mail and client address instead (LoginThrottle).
                options.Lockout.AllowedForNewUsers = false;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddPasswordValidator<PasswordPolicy>();

        services.AddOptions<LoginThrottleOptions>().Bind(configuration.GetSection(LoginThrottleOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LoginThrottle>();

        services.AddOptions<SeedOptions>().Bind(configuration.GetSection(SeedOptions.Section));
        // Registered after the messaging runtime (AddMessaging came first), so it starts after the migrations.
        services.AddHostedService<SeedDemoUsers>();
        services.AddSingleton<RegistrationSignal>();
        services.AddSingleton<PublishRegistrations>();
        services.AddHostedService(sp => sp.GetRequiredService<PublishRegistrations>());
        return messaging;
    }

    /// <summary>
    /// Maps <c>POST /api/accounts/register</c>, <c>POST /api/accounts/login</c>, <c>GET /api/me</c>
    /// and <c>DELETE /api/me</c>. Needs authentication and authorization middleware before it.
    /// </summary>
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Register.Map(endpoints.MapGroup("").RequireRateLimiting(RateLimits.Registration));
        Login.Map(endpoints.MapGroup("").RequireRateLimiting(RateLimits.Login));
        GetMe.Map(endpoints);
        CloseAccount.Map(endpoints);
        return endpoints;
    }
}
