using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace BoxOffice.Web.Live;

/// <summary>
/// <c>GET /live/notifications</c>: the signed-in user's live notifications for the browser's
/// <c>EventSource</c>, which cannot send a bearer token. The API's stream
/// (<c>/api/me/notifications/stream</c>, bearer-authenticated) is opened server-side with the token
/// from the auth cookie and copied through as it comes; <c>Last-Event-ID</c> is passed on, so the
/// browser's automatic reconnect resumes without a gap. Same origin, cookie-authenticated, GET only:
/// no token ever reaches the page and nothing new is exposed.
/// </summary>
internal static class NotificationsProxy
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/live/notifications", HandleAsync).RequireAuthorization(WebAuth.SignedIn).ExcludeFromDescription();

    private static async Task HandleAsync(HttpContext http, BoxOfficeApi api, IHostApplicationLifetime lifetime)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stopping.Token;
        string? lastEventId = http.Request.Headers["Last-Event-ID"];
        HttpResponseMessage upstream;
        try
        {
            upstream = await api.OpenNotificationStreamAsync(lastEventId, ct);
        }
        catch (SignInRequiredException)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        using (upstream)
        {
            http.Response.StatusCode = (int)upstream.StatusCode;
            if (upstream.Headers.RetryAfter is { } retryAfter)
            {
                http.Response.Headers.RetryAfter = retryAfter.ToString();
            }

            if (!upstream.IsSuccessStatusCode)
            {
                // 401 (the token expired) and 429 (too many streams) reach the page, which stops retrying.
                return;
            }

            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await http.Response.StartAsync(ct);
            try
            {
                await using var body = await upstream.Content.ReadAsStreamAsync(ct);
                var buffer = new byte[4096];
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), ct);
                    await http.Response.Body.FlushAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The browser left or the host is stopping; EventSource reconnects with Last-Event-ID.
            }
            catch (IOException)
            {
                // Either side's connection broke; the browser reconnects.
            }
            catch (HttpRequestException)
            {
                // The API's side broke off; the browser reconnects.
            }
        }
    }
}
