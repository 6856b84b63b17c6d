using System.Globalization;
using BoxOffice.Accounts.Profile;
using BoxOffice.Accounts.Registration;
using BoxOffice.Accounts.SigningIn;
using BoxOffice.Accounts.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BoxOffice.Accounts.Closing;

/// <summary>The body of <c>DELETE /api/me</c>: the buyer confirms with their password.</summary>
internal sealed record CloseAccountRequest(string? Password);

/// <summary>
/// <c>DELETE /api/me</c>: closes the caller's account. The user is deleted and the closure recorded
/// in one transaction; <c>PublishRegistrations</c> announces it as <c>AccountClosed</c>, and the
/// services that act on tokens refuse the account's tokens from then on (tokens are not revoked
/// by their signature: they stay valid until they expire).
/// </summary>
internal static class CloseAccount
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapDelete(GetMe.Route, HandleAsync)
            .RequireAuthorization()
            .WithName("CloseAccount")
            .WithTags("Accounts")
            .WithSummary("Close your account (confirm with your password)")
            .AcceptsJson(new CloseAccountRequest("Correct-horse-battery-1"), AccountsJson.Default.CloseAccountRequest)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(StatusCodes.Status403Forbidden, "wrong-password")
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found")
            .ProducesProblems(StatusCodes.Status429TooManyRequests, "too-many-attempts");

    private static async Task<IResult> HandleAsync(
        HttpContext http, UserManager<Account> users, AccountsDbContext db, LoginThrottle throttle, RegistrationSignal announce, TimeProvider time)
    {
        var ct = http.RequestAborted;
        var (request, problem) = await JsonBody.ReadAsync(http.Request, AccountsJson.Default.CloseAccountRequest, AccountsJson.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(request!.Password) || request.Password.Length > PasswordPolicy.MaxLength)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["password"] = ["Your password is required to close the account."] });
        }

        var account = await users.FindByIdAsync(http.User.UserId().ToString("D", CultureInfo.InvariantCulture));
        if (account is null)
        {
            return Problems.NotFound("The account no longer exists.");
        }

        // A stolen token must not become a way to guess the password: the login throttle counts here too.
        var key = account.NormalizedEmail!;
        var client = ClientAddress.Of(http);
        var attempt = await throttle.BeginAsync(key, client, ct);
        if (!attempt.Allowed)
        {
            return Login.TooManyAttempts(attempt, http.Response);
        }

        if (!await users.CheckPasswordAsync(account, request.Password))
        {
            return attempt.Wait > TimeSpan.Zero
                ? Login.TooManyAttempts(attempt, http.Response)
                : Problems.Result(ProblemTypes.WrongPassword, "The password is wrong; the account was not closed.");
        }

        await throttle.ForgiveAsync(key, client, ct);

        // The deletion and its announcement's outbox row commit together, or neither does.
        await using (var transaction = await db.BeginWriteAsync(ct))
        {
            var deleted = await users.DeleteAsync(account);
            if (!deleted.Succeeded)
            {
                throw new InvalidOperationException("Could not delete the account: " + string.Join(" ", deleted.Errors.Select(e => e.Description)));
            }

            var id = account.Id.ToString("D", CultureInfo.InvariantCulture);
            var at = time.GetUtcNow().ToUnixTimeMilliseconds();
            await db.Database.ExecuteSqlAsync($"INSERT INTO account_closures (user_id, closed_at) VALUES ({id}, {at})", ct);
            await transaction.CommitAsync(ct);
        }

        announce.Wake();
        return TypedResults.NoContent();
    }
}
