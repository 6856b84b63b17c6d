using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BoxOffice.Host.Tests.Operating;

/// <summary>
/// A request that failed because its database could not be reached (PostgreSQL stopped, or a pooled
/// connection it cut when it restarted) is a 503 "unavailable" to try again, never a 500. Seen in the
/// chaos suite: after a PostgreSQL restart a login answered 500 on a connection the restart had cut.
/// </summary>
public sealed class AnsweringWhenTheDatabaseIsUnreachable
{
    public static TheoryData<string> Unreachable => ["connection cut", "server shutting down"];

    [Theory]
    [MemberData(nameof(Unreachable))]
    public async Task A_transient_database_failure_is_a_503_problem_with_retry_after(string failure)
    {
        Exception exception = failure == "connection cut"
            ? new NpgsqlException("Exception while reading from stream", new IOException("Unable to read data", new SocketException((int)SocketError.ConnectionReset)))
            : new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown);
        var context = Context();

        var handled = await new DatabaseUnavailable(NullLogger<DatabaseUnavailable>.Instance)
            .TryHandleAsync(context, new InvalidOperationException("wrapped by the caller", exception), TestContext.Current.CancellationToken);

        handled.ShouldBeTrue();
        context.Response.StatusCode.ShouldBe(StatusCodes.Status503ServiceUnavailable);
        context.Response.Headers.RetryAfter.ToString().ShouldBe("1");
        context.Response.ContentType.ShouldBe("application/problem+json");
        context.Response.Body.Position = 0;
        var problem = JsonNode.Parse(context.Response.Body)!;
        problem["type"]!.GetValue<string>().ShouldEndWith("/unavailable");
        problem["status"]!.GetValue<int>().ShouldBe(503);
    }

    [Fact]
    public async Task A_failure_that_asking_again_would_not_cure_is_left_to_the_500_handler()
    {
        var context = Context();

        var handled = await new DatabaseUnavailable(NullLogger<DatabaseUnavailable>.Instance).TryHandleAsync(
            context, new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation),
            TestContext.Current.CancellationToken);

        handled.ShouldBeFalse();
        context.Response.StatusCode.ShouldBe(StatusCodes.Status200OK);
    }

    private static DefaultHttpContext Context() => new()
    {
        RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider(),
        Response = { Body = new MemoryStream() },
    };
}
