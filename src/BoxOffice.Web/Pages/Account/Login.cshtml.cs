using BoxOffice.ServiceDefaults;
using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace BoxOffice.Web.Pages.Account;

/// <summary>Sign in with an e-mail and password: the API's login, kept in the auth cookie.</summary>
internal sealed class LoginModel(BoxOfficeApi api, TimeProvider time, IConfiguration configuration, IHostEnvironment environment) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    // The demo passwords are shown in Development (the launch profile that sets them) or when
    // Web:ShowDemoLogins says so: they are the seed's own settings, never written in code.
    public string? DemoBuyerPassword => configuration["Seed:BuyerPassword"];

    public string? DemoOrganizerPassword => configuration[DemoData.OrganizerPasswordKey];

    public bool ShowDemoLogins => configuration.GetValue(DemoData.EnabledKey, true) && (environment.IsDevelopment() || configuration.GetValue("Web:ShowDemoLogins", false))
        && !string.IsNullOrEmpty(DemoBuyerPassword) && !string.IsNullOrEmpty(DemoOrganizerPassword);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var problem = await WebAuth.SignInAsync(HttpContext, api, Email?.Trim() ?? "", Password ?? "", time);
        if (problem is not null)
        {
            Error = problem.Name == "invalid-request" ? "Enter your e-mail and password." : problem.Message;
            Password = null;
            return Page();
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
