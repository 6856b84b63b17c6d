using System.Globalization;
using System.Security.Claims;
using BoxOffice.ServiceDefaults;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoxOffice.Testing;

/// <summary>
/// Access tokens as Accounts signs them (sub, name, email, birthdate, role; issuer and audience and
/// lifetime from the signing settings), for hosts that only check tokens.
/// </summary>
public static class TestTokens
{
    /// <summary>A signed access token for a buyer.</summary>
    /// <param name="signing">The host's signing settings (from its services).</param>
    /// <param name="userId">The <c>sub</c> claim.</param>
    /// <param name="displayName">The <c>name</c> claim.</param>
    /// <param name="email">The <c>email</c> claim.</param>
    /// <param name="birthDate">The <c>birthdate</c> claim; none when null.</param>
    /// <returns>The compact JWT.</returns>
    public static string Buyer(TokenSigning signing, Guid userId, string displayName, string email, DateOnly? birthDate = null) =>
        Sign(signing, UserClaims(userId, displayName, email, birthDate, Roles.Buyer));

    /// <summary>A signed access token for an organizer (who is a buyer too, as Accounts issues it).</summary>
    /// <param name="signing">The host's signing settings (from its services).</param>
    /// <param name="userId">The <c>sub</c> claim.</param>
    /// <param name="displayName">The <c>name</c> claim.</param>
    /// <param name="email">The <c>email</c> claim.</param>
    /// <param name="birthDate">The <c>birthdate</c> claim; none when null.</param>
    /// <returns>The compact JWT.</returns>
    public static string Organizer(TokenSigning signing, Guid userId, string displayName, string email, DateOnly? birthDate = null) =>
        Sign(signing, UserClaims(userId, displayName, email, birthDate, Roles.Buyer, Roles.Organizer));

    /// <summary>A token with exactly the claims given, signed, issued now and valid for the configured lifetime.</summary>
    /// <param name="signing">The host's signing settings (from its services).</param>
    /// <param name="claims">The token's claims.</param>
    /// <returns>The compact JWT.</returns>
    public static string Sign(TokenSigning signing, IEnumerable<Claim> claims)
    {
        ArgumentNullException.ThrowIfNull(signing);
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
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

    private static List<Claim> UserClaims(Guid userId, string displayName, string email, DateOnly? birthDate, params string[] roles)
    {
        List<Claim> claims =
        [
            new(BoxOfficeClaims.Subject, userId.ToString("D")),
            new(BoxOfficeClaims.Name, displayName),
            new(BoxOfficeClaims.Email, email),
        ];
        if (birthDate is { } born)
        {
            claims.Add(new Claim(BoxOfficeClaims.BirthDate, born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        claims.AddRange(roles.Select(role => new Claim(BoxOfficeClaims.Role, role)));
        return claims;
    }
}
