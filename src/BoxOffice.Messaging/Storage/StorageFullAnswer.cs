using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace BoxOffice.Messaging.Storage;

/// <summary>
/// The HTTP answer to a write refused because the disk is full: 503 <c>storage-full</c> with
/// <c>Retry-After</c>. Nothing of the request was kept, and everything committed before it is.
/// </summary>
public static class StorageFullAnswer
{
    /// <summary>
    /// Seconds a client is asked to wait: space comes back when an operator frees it, not in a second,
    /// and clients asking every second would only add refused work.
    /// </summary>
    public const int RetryAfterSeconds = 10;

    /// <summary>The problem, with <c>Retry-After</c> set on <paramref name="http"/>'s response.</summary>
    public static IResult Result(HttpContext http, string detail)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Result(ProblemTypes.StorageFull, detail);
    }
}

/// <summary>
/// Answers any endpoint whose write found the disk full (a registration, a cancel, an organizer's
/// edit …) with <see cref="StorageFullAnswer"/> instead of a 500, and tells the storage watch, which
/// logs it once. Other exceptions go on to the default handler.
/// </summary>
public sealed class StorageFullExceptionHandler(StorageSpace space) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        if (httpContext.Response.HasStarted || !space.Refused(exception, StorageSpace.Requests))
        {
            return false;
        }

        await StorageFullAnswer.Result(httpContext, "The disk this service writes to is full, so the request was not done; "
            + "what was committed before is kept. Try again later.").ExecuteAsync(httpContext);
        return true;
    }
}
