using System.Globalization;
using BoxOffice.Accounts.Registration;
using BoxOffice.Accounts.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace BoxOffice.Accounts.SigningIn;

internal sealed record LoginRequest(string? Email, string? Password);

/// <summary>An OAuth 2.0 style token response; <see cref="ExpiresIn"/> is in seconds.</summary>
internal sealed record AccessTokenResponse(string AccessToken, string TokenType, int ExpiresIn);

/// <summary><c>POST /api/accounts/login</c>: exchanges an e-mail address and password for an access token.</summary>
internal static class Login
{
    public const string Route = "/api/accounts/login";

    // Verified against when the address is unknown, so that answer takes as long as a wrong password.
    private static readonly string DecoyHash = new PasswordHasher<Account>().HashPassword(new Account(), Guid.NewGuid().ToString());

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, HandleAsync)
            .AllowAnonymous()
            .WithName("Login")
            .WithTags("Accounts")
            .WithSummary("Sign in: an access token for the Authorization: Bearer header")
            .AcceptsJson(new LoginRequest("ada@example.com", "Correct-horse-battery-1"), AccountsJson.Default.LoginRequest)
            .Produces<AccessTokenResponse>()
            .ProducesProblems(StatusCodes.Status401Unauthorized, "invalid-credentials")
            .ProducesProblems(StatusCodes.Status429TooManyRequests, "too-many-attempts");

    /// <summary>The token response for <paramref name="account"/> with its roles, minted by the one issuer.</summary>
    private static AccessTokenResponse IssueToken(Account account, IEnumerable<string> roles, TokenIssuer tokens)
    {
        var token = tokens.Issue(new TokenHolder(account.Id, account.Email!, account.DisplayName, account.BirthDate, [.. roles]));
        return new AccessTokenResponse(token, "Bearer", (int)tokens.Lifetime.TotalSeconds);
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, UserManager<Account> users, LoginThrottle throttle, TokenIssuer tokens)
    {
        var ct = http.RequestAborted;
        var (request, problem) = await JsonBody.ReadAsync(http.Request, AccountsJson.Default.LoginRequest, AccountsJson.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var email = request!.Email?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            errors["email"] = ["The e-mail address is required."];
        }
        else if (email.Length > Register.EmailMaxLength)
        {
            errors["email"] = [$"The e-mail address is at most {Register.EmailMaxLength} characters."];
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["The password is required."];
        }
        else if (request.Password.Length > PasswordPolicy.MaxLength)
        {
            // Refused before any hashing: no password that long was ever accepted.
            errors["password"] = [$"The password is at most {PasswordPolicy.MaxLength} characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        // Known and unknown addresses take exactly the same path from here: the same throttle, one
        // password hash verified, the same answers.
        var key = users.NormalizeEmail(email) ?? email!;
        var client = ClientAddress.Of(http);
        var attempt = await throttle.BeginAsync(key, client, ct);
        if (!attempt.Allowed)
        {
            return TooManyAttempts(attempt, http.Response);
        }

        var account = await users.FindByEmailAsync(email!);
        if (!await CheckPasswordAsync(users, account, request.Password!))
        {
            return attempt.Wait > TimeSpan.Zero ? TooManyAttempts(attempt, http.Response) : InvalidCredentials();
        }

        await throttle.ForgiveAsync(key, client, ct);
        return TypedResults.Ok(IssueToken(account!, await users.GetRolesAsync(account!), tokens));
    }

    /// <summary>
    /// Whether <paramref name="password"/> is <paramref name="account"/>'s; for no account a decoy
    /// hash is verified, so that answer takes as long as a wrong password.
    /// </summary>
    internal static async Task<bool> CheckPasswordAsync(UserManager<Account> users, Account? account, string password)
    {
        if (account is null)
        {
            users.PasswordHasher.VerifyHashedPassword(new Account(), DecoyHash, password);
            return false;
        }

        return await users.CheckPasswordAsync(account, password);
    }

    // One answer for an unknown address and a wrong password: the caller learns nothing about which.
    internal static IResult InvalidCredentials() =>
        Problems.Result(ProblemTypes.InvalidCredentials, "The e-mail address or the password is wrong.");

    // The same for every e-mail, known or not; it speaks of this address only, as only it waits.
    internal static IResult TooManyAttempts(LoginThrottle.Attempt attempt, HttpResponse response)
    {
        response.Headers.RetryAfter = attempt.RetryAfterSeconds;
        return Problems.Result(
            ProblemTypes.TooManyAttempts,
            $"Too many failed attempts for this e-mail address from your network address: try again in {attempt.RetryAfterSeconds} seconds.",
            new Dictionary<string, object?> { ["retryAfter"] = long.Parse(attempt.RetryAfterSeconds, CultureInfo.InvariantCulture) });
    }
}
