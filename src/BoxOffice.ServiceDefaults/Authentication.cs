using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace BoxOffice.ServiceDefaults;

/// <summary>The claims BoxOffice puts in its access tokens (OpenID Connect names).</summary>
public static class BoxOfficeClaims
{
    /// <summary>The user id (a GUID).</summary>
    public const string Subject = "sub";

    /// <summary>The user's e-mail address.</summary>
    public const string Email = "email";

    /// <summary>The display name.</summary>
    public const string Name = "name";

    /// <summary>The birth date, <c>YYYY-MM-DD</c>.</summary>
    public const string BirthDate = "birthdate";

    /// <summary>A role: <see cref="Roles.Buyer"/> or <see cref="Roles.Organizer"/>.</summary>
    public const string Role = "role";

    /// <summary>The authenticated user's id. Throws when there is none: call it only behind authorization.</summary>
    public static Guid UserId(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Guid.TryParse(user.FindFirstValue(Subject), out var id)
            ? id
            : throw new InvalidOperationException("The principal has no user id.");
    }

    /// <summary>The user's birth date, if the token carries one.</summary>
    public static DateOnly? BirthDateOf(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return DateOnly.TryParseExact(user.FindFirstValue(BirthDate), "yyyy-MM-dd", out var date) ? date : null;
    }
}

/// <summary>Role names.</summary>
public static class Roles
{
    /// <summary>Buys tickets; every user is one.</summary>
    public const string Buyer = "buyer";

    /// <summary>Creates events and ticket types.</summary>
    public const string Organizer = "organizer";
}

/// <summary>How access tokens are signed and checked (configuration section <c>Auth</c>).</summary>
public sealed class TokenOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Auth";

    /// <summary>
    /// The HMAC-SHA256 signing key, base64, at least 32 bytes. Every service of one deployment needs
    /// the same key. When empty, a key is generated once and kept in the data directory.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>The token issuer and audience.</summary>
    public string Issuer { get; set; } = "boxoffice";

    /// <summary>How long an access token is valid.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>The key and parameters tokens are signed and validated with.</summary>
public sealed class TokenSigning
{
    internal TokenSigning(SymmetricSecurityKey key, TokenOptions options)
    {
        Key = key;
        Issuer = options.Issuer;
        Lifetime = options.Lifetime;
    }

    /// <summary>The signing key.</summary>
    public SymmetricSecurityKey Key { get; }

    /// <summary>Issuer and audience.</summary>
    public string Issuer { get; }

    /// <summary>Token lifetime.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Credentials to sign a token with.</summary>
    public SigningCredentials Credentials => new(Key, SecurityAlgorithms.HmacSha256);
}

/// <summary>Registers bearer-token authentication the same way in every service.</summary>
public static class AuthenticationSetup
{
    /// <summary>
    /// Adds JWT bearer authentication (HMAC-SHA256, issuer and audience <c>boxoffice</c>, no claim
    /// renaming) and authorization, with the signing key from <c>Auth:SigningKey</c> or, embedded,
    /// from <c>{data directory}/auth-signing.key</c>, created on first start; and the
    /// <see cref="TokenIssuer"/> that mints tokens with that key.
    /// </summary>
    public static IServiceCollection AddBoxOfficeAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TokenOptions>().Bind(configuration.GetSection(TokenOptions.Section));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TokenOptions>>().Value;
            var environment = sp.GetRequiredService<IHostEnvironment>();
            var dataDirectory = DataFolder.Resolve(configuration, environment);
            return new TokenSigning(new SymmetricSecurityKey(LoadKey(options, dataDirectory, sp.GetRequiredService<ILoggerFactory>())), options);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TokenIssuer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenSigning>((jwt, signing) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = signing.Issuer,
                    ValidAudience = signing.Issuer,
                    IssuerSigningKey = signing.Key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = BoxOfficeClaims.Name,
                    RoleClaimType = BoxOfficeClaims.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Organizer, policy => policy.RequireRole(Roles.Organizer));
        return services;
    }

    private static byte[] LoadKey(TokenOptions options, string dataDirectory, ILoggerFactory loggers)
    {
        var key = Convert.FromBase64String(string.IsNullOrWhiteSpace(options.SigningKey)
            ? DataFolder.ReadOrCreateSecret(dataDirectory, "auth-signing.key", () => DataFolder.RandomBase64(),
                loggers.CreateLogger(typeof(AuthenticationSetup)))
            : options.SigningKey);
        return key.Length >= 32
            ? key
            : throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes, base64.");
    }
}
