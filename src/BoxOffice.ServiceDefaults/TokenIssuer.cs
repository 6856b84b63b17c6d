using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoxOffice.ServiceDefaults;

/// <summary>Whom an access token speaks for: the claims every BoxOffice access token carries.</summary>
/// <param name="UserId">The <c>sub</c> claim.</param>
/// <param name="Email">The <c>email</c> claim.</param>
/// <param name="DisplayName">The <c>name</c> claim.</param>
/// <param name="BirthDate">The <c>birthdate</c> claim (age-restricted events need it); none when null.</param>
/// <param name="Roles">A <c>role</c> claim each (<see cref="ServiceDefaults.Roles"/>).</param>
public sealed record TokenHolder(Guid UserId, string Email, string DisplayName, DateOnly? BirthDate, IReadOnlyCollection<string> Roles);

/// <summary>
/// Mints BoxOffice access tokens, the one place one is made: Accounts' login issues them, and tests
/// mint theirs here too, so what a test's caller presents is what a signed-in user presents. Signed
/// with <see cref="TokenSigning"/>, issued at <paramref name="time"/>'s now, valid for the
/// configured lifetime. Registered by <see cref="AuthenticationSetup.AddBoxOfficeAuthentication"/>.
/// </summary>
/// <param name="signing">The key, issuer and lifetime.</param>
/// <param name="time">The clock the token's issue and expiry times come from.</param>
public sealed class TokenIssuer(TokenSigning signing, TimeProvider time)
{
    // Thread-safe; building one per token would rebuild its caches every time.
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>How long a token is valid from its issue.</summary>
    public TimeSpan Lifetime => signing.Lifetime;

    /// <summary>A signed access token (a compact JWT) for <paramref name="holder"/>, with a fresh <c>jti</c>.</summary>
    /// <param name="holder">Whom the token speaks for.</param>
    /// <returns>The compact JWT.</returns>
    public string Issue(TokenHolder holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var now = time.GetUtcNow().UtcDateTime;
        List<Claim> claims =
        [
            new(BoxOfficeClaims.Subject, holder.UserId.ToString("D", CultureInfo.InvariantCulture)),
            new(BoxOfficeClaims.Email, holder.Email),
            new(BoxOfficeClaims.Name, holder.DisplayName),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)),
            // Ordered, so one holder's tokens differ only in their times and jti.
            .. holder.Roles.Order(StringComparer.Ordinal).Select(role => new Claim(BoxOfficeClaims.Role, role)),
        ];
        if (holder.BirthDate is { } born)
        {
            claims.Add(new Claim(BoxOfficeClaims.BirthDate, born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = signing.Issuer,
            Audience = signing.Issuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + signing.Lifetime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = signing.Credentials,
        });
    }
}
