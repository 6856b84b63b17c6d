using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace BoxOffice.ServiceDefaults;

/// <summary>The response headers every BoxOffice answer carries.</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Adds <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: no-referrer</c> and
    /// <c>X-Frame-Options: DENY</c> to every response, and <c>Cache-Control: no-store</c> to every
    /// response that does not say otherwise: most answers are one user's (tokens, reservations,
    /// ticket codes) and must not be kept by a shared cache or the browser. Kestrel's <c>Server</c>
    /// header is switched off where the host configures Kestrel.
    /// </summary>
    public static IApplicationBuilder UseBoxOfficeSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (http, next) =>
        {
            http.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers[HeaderNames.XFrameOptions] = "DENY";
                if (string.IsNullOrEmpty(headers.CacheControl))
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            }, http.Response);
            return next(http);
        });
}
