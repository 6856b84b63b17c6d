using System.Globalization;
using System.Security.Claims;
using BoxOffice.Accounts.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace BoxOffice.Accounts.Profile;

/// <summary><c>GET /api/me</c>: the caller's own account, as the database has it now.</summary>
internal static class GetMe
{
    public const string Route = "/api/me";

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Route, HandleAsync)
            .RequireAuthorization()
            .WithName("GetMe")
            .WithTags("Accounts")
            .WithSummary("Your account")
            .Produces<AccountProfile>()
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found");

    private static async Task<IResult> HandleAsync(ClaimsPrincipal user, UserManager<Account> users)
    {
        var account = await users.FindByIdAsync(user.UserId().ToString("D", CultureInfo.InvariantCulture));
        if (account is null)
        {
            // A valid token outlives a deleted account.
            return Problems.NotFound("The account no longer exists.");
        }

        return TypedResults.Ok(AccountProfile.Of(account, await users.GetRolesAsync(account)));
    }
}
