using System.Security.Claims;
using BoxOffice.ServiceDefaults;
using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Web;

/// <summary>
/// Signing in to the web app: the API's login gives an access token; the token and who it names go
/// into an encrypted, HttpOnly auth cookie (ASP.NET Core data protection) that lives no longer than
/// the token. Pages read the token back server-side to call the API.
/// </summary>
internal static class WebAuth
{
    public const string Scheme = "BoxOffice.Web";
    public const string AccessToken = "access_token";

    /// <summary>Any signed-in user of the web app.</summary>
    public const string SignedIn = "web-signed-in";

    /// <summary>Organizers (and so operators).</summary>
    public const string Organizer = "web-organizer";

    public static async Task<ApiProblem?> SignInAsync(HttpContext http, BoxOfficeApi api, string email, string password, TimeProvider time)
    {
        var ct = http.RequestAborted;
        var login = await api.LoginAsync(email, password, ct);
        if (!login.Ok)
        {
            return login.Problem;
        }

        var token = login.Value!;
        var me = await api.MeAsync(token.AccessToken, ct);
        if (!me.Ok)
        {
            return me.Problem;
        }

        var profile = me.Value!;
        var claims = new List<Claim>
        {
            new(BoxOfficeClaims.Subject, profile.Id.ToString()),
            new(BoxOfficeClaims.Name, profile.DisplayName),
            new(BoxOfficeClaims.Email, profile.Email),
        };
        claims.AddRange(profile.Roles.Select(r => new Claim(BoxOfficeClaims.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, BoxOfficeClaims.Name, BoxOfficeClaims.Role));
        var properties = new AuthenticationProperties
        {
            // The cookie goes when the token does; a sign-in after that gets a new token.
            ExpiresUtc = time.GetUtcNow().AddSeconds(token.ExpiresIn),
            IsPersistent = false,
        };
        properties.StoreTokens([new AuthenticationToken { Name = AccessToken, Value = token.AccessToken }]);
        await http.SignInAsync(Scheme, principal, properties);
        return null;
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    internal static void Configure(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.Name = "boxoffice.session";
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.LoginPath = "/account/login";
        cookie.LogoutPath = "/account/logout";
        cookie.AccessDeniedPath = "/account/denied";
        cookie.SlidingExpiration = false;
        cookie.ExpireTimeSpan = TimeSpan.FromHours(1);
        cookie.Events.OnRedirectToLogin = context =>
        {
            // The live stream's EventSource cannot follow a redirect to a sign-in page: it gets 401 and stops.
            if (context.Request.Path.StartsWithSegments("/live"))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            }
            else
            {
                context.Response.Redirect(context.RedirectUri);
            }

            return Task.CompletedTask;
        };
        cookie.Events.OnValidatePrincipal = context =>
        {
            // The ticket's own expiry is the token's: nothing to refresh, only to drop once it has passed.
            if (context.Properties.ExpiresUtc is { } expires && expires <= context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow())
            {
                context.RejectPrincipal();
            }

            return Task.CompletedTask;
        };
    }
}
