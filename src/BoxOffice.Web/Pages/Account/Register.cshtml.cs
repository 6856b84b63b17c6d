using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Account;

/// <summary>Sign up (the API's registration), then signed in at once.</summary>
internal sealed class RegisterModel(BoxOfficeApi api, TimeProvider time) : PageModel
{
    [BindProperty]
    public RegisterInput Input { get; set; } = new();

    public string? Error { get; private set; }

    private IReadOnlyDictionary<string, string[]> Errors { get; set; } = new Dictionary<string, string[]>();

    public string? FieldError(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var email = Input.Email?.Trim() ?? "";
        var registered = await api.RegisterAsync(email, Input.Password ?? "", Input.DisplayName?.Trim() ?? "", Input.BirthDate ?? "", ct);
        if (!registered.Ok)
        {
            Errors = registered.Problem!.Errors;
            Error = Errors.Count > 0 ? "Please correct the fields marked below." : registered.Problem.Message;
            Input.Password = null;
            return Page();
        }

        var problem = await WebAuth.SignInAsync(HttpContext, api, email, Input.Password ?? "", time);
        return problem is null ? LocalRedirect("/") : LocalRedirect("/account/login");
    }
}

internal sealed class RegisterInput
{
    public string? DisplayName { get; set; }

    public string? Email { get; set; }

    public string? BirthDate { get; set; }

    public string? Password { get; set; }
}
