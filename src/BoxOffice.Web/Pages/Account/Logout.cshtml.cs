using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Account;

/// <summary>Sign out: a POST with its antiforgery token (a link could be followed by another site).</summary>
internal sealed class LogoutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await WebAuth.SignOutAsync(HttpContext);
        return LocalRedirect("/");
    }
}
