using System.Data.Common;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Diagnostics;

namespace BoxOffice.Host;

/// <summary>
/// A request that failed because its database could not be reached (stopped, restarting, a
/// connection cut: a transient <see cref="DbException"/>) is answered 503 <c>unavailable</c> with
/// <c>Retry-After</c>, never a 500: nothing it asked for was done, and asking again later succeeds.
/// After PostgreSQL restarts, each pooled connection it cut fails once when next used.
/// </summary>
internal sealed partial class DatabaseUnavailable(ILogger<DatabaseUnavailable> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Transient(exception) is not { } failure || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(httpContext.Request.Method, httpContext.Request.Path, failure.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        await Problems.Result(ProblemTypes.Unavailable, "The database could not be reached; nothing was done. Try again.").ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>The transient database failure in <paramref name="exception"/> or the exceptions it wraps, or null.</summary>
    internal static DbException? Transient(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException { IsTransient: true } failure)
            {
                return failure;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: its database could not be reached ({Reason})")]
    private partial void LogUnavailable(string method, string path, string reason);
}
