using System.Globalization;
using System.Security.Claims;
using BoxOffice.Accounts.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoxOffice.Accounts.SigningIn;

internal sealed record LoginRequest(string? Email, string? Password);

/// <summary>An OAuth 2.0 style token response; <see cref="ExpiresIn"/> is in seconds.</summary>
internal sealed record AccessTokenResponse(string AccessToken, string TokenType, int ExpiresIn);

/// <summary><c>POST /api/accounts/login</c>: exchanges an e-mail address and password for an access token.</summary>
internal static class Login
{
    public const string Route = "/api/accounts/login";

    private static readonly JsonWebTokenHandler Tokens = new();

    // Verified against when the address is unknown, so that answer takes as long as a wrong password.
    private static readonly string DecoyHash = new PasswordHasher<Account>().HashPassword(new Account(), Guid.NewGuid().ToString());

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, HandleAsync)
            .AllowAnonymous()
            .WithName("Login")
            .WithTags("Accounts")
            .Produces<AccessTokenResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>A signed access token for <paramref name="account"/> with its roles.</summary>
    public static AccessTokenResponse IssueToken(Account account, IEnumerable<string> roles, TokenSigning signing, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        List<Claim> claims =
        [
            new(BoxOfficeClaims.Subject, account.Id.ToString("D", CultureInfo.InvariantCulture)),
            new(BoxOfficeClaims.Email, account.Email!),
            new(BoxOfficeClaims.Name, account.DisplayName),
            new(BoxOfficeClaims.BirthDate, account.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)),
            .. roles.Order(StringComparer.Ordinal).Select(role => new Claim(BoxOfficeClaims.Role, role)),
        ];
        var token = Tokens.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = signing.Issuer,
            Audience = signing.Issuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + signing.Lifetime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = signing.Credentials,
        });
        return new AccessTokenResponse(token, "Bearer", (int)signing.Lifetime.TotalSeconds);
    }

    private static async Task<IResult> HandleAsync(
        LoginRequest request, UserManager<Account> users, TokenSigning signing, TimeProvider time, HttpResponse response)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            errors["email"] = ["The e-mail address is required."];
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["The password is required."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var account = await users.FindByEmailAsync(request.Email!.Trim());
        if (account is null)
        {
            users.PasswordHasher.VerifyHashedPassword(new Account(), DecoyHash, request.Password!);
            return InvalidCredentials();
        }

        // Checked before the password: while locked, even the right password is refused.
        if (await users.IsLockedOutAsync(account))
        {
            return LockedOut(account, time, response);
        }

        if (!await users.CheckPasswordAsync(account, request.Password!))
        {
            // Counts the failure; the 5th in a row locks the account (Identity's lockout options).
            await users.AccessFailedAsync(account);
            return await users.IsLockedOutAsync(account) ? LockedOut(account, time, response) : InvalidCredentials();
        }

        await users.ResetAccessFailedCountAsync(account);
        return TypedResults.Ok(IssueToken(account, await users.GetRolesAsync(account), signing, time));
    }

    // One answer for an unknown address and a wrong password: the caller learns nothing about which.
    private static IResult InvalidCredentials() =>
        Problems.Result(StatusCodes.Status401Unauthorized, "invalid-credentials", "Invalid credentials", "The e-mail address or the password is wrong.");

    private static IResult LockedOut(Account account, TimeProvider time, HttpResponse response)
    {
        var left = (account.LockoutEnd ?? time.GetUtcNow()) - time.GetUtcNow();
        var seconds = Math.Max(1, (long)Math.Ceiling(left.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Result(
            StatusCodes.Status429TooManyRequests,
            "locked-out",
            "Locked out",
            $"Too many failed attempts: the account is locked for {seconds} more seconds.",
            new Dictionary<string, object?> { ["retryAfter"] = seconds });
    }
}
