using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace BoxOffice.Web;

/// <summary>
/// Around every page: a token the API no longer accepts signs the user out and sends them to sign in
/// again (back to the same page afterwards); and every page gets a strict Content-Security-Policy
/// (scripts and styles from this origin only: no inline script to inject into).
/// </summary>
internal sealed class WebPageFilter : IAsyncPageFilter
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        context.HttpContext.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        var executed = await next();
        if (executed.Exception is SignInRequiredException)
        {
            executed.ExceptionHandled = true;
            await WebAuth.SignOutAsync(context.HttpContext);
            var back = context.HttpContext.Request.Path + context.HttpContext.Request.QueryString;
            executed.Result = new RedirectResult("/account/login?returnUrl=" + Uri.EscapeDataString(back));
        }
    }
}
