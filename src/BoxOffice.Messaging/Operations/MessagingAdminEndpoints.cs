using System.Text.Json.Serialization;
using BoxOffice.Messaging.Consuming;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BoxOffice.Messaging.Operations;

/// <summary>The body of a reset: exactly one of the three ways to say where replay starts.</summary>
internal sealed record ResetBody(bool? Beginning, DateTimeOffset? At, string? Source, long? Sequence);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ResetBody))]
internal sealed partial class OperationsJson : JsonSerializerContext;

/// <summary>
/// The operators' API over the messaging core, for organizers: where every consumer stands, its
/// dead letters, redrive, and reset-and-replay from the stored events. Every process that hosts
/// messaging can map it; it covers the consumers that process runs.
/// </summary>
public static class MessagingAdminEndpoints
{
    /// <summary>
    /// Maps <c>/api/admin/messaging/...</c> (subscriptions, dead letters, redrive, reset), for the
    /// <see cref="Roles.Organizer"/> role, answering refusals with problem details and declaring
    /// them for OpenAPI. Needs the BoxOffice authentication (<c>AddBoxOfficeAuthentication</c>) and <c>AddMessaging</c>.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <returns>The same endpoints.</returns>
    public static IEndpointRouteBuilder MapMessagingAdmin(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/admin/messaging").RequireAuthorization(Roles.Organizer).WithTags("Operations");
        admin.MapGet("/subscriptions", async (MessagingAdmin messaging, CancellationToken ct) => TypedResults.Ok(await messaging.SubscriptionsAsync(ct)))
            .WithName("ListSubscriptions")
            .WithSummary("Where every consumer stands in the logs it reads");
        admin.MapGet("/consumers/{consumer}/dead-letters", DeadLettersAsync)
            .WithName("ListDeadLetters")
            .WithSummary("A consumer's dead letters (redriven ones too with includeRedriven=true)")
            .Produces<IReadOnlyList<DeadLetter>>()
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found");
        admin.MapPost("/consumers/{consumer}/dead-letters/{id:long}/redrive", RedriveAsync)
            .WithName("RedriveDeadLetter")
            .WithSummary("Run a dead letter through its handler again")
            .Produces<RedriveResult>()
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found")
            .ProducesProblems(StatusCodes.Status409Conflict, "redrive-failed");
        admin.MapPost("/consumers/{consumer}/reset", ResetAsync)
            .WithName("ResetConsumer")
            .WithSummary("Reset a consumer and replay from the stored events: from the beginning, a time, or a sequence number")
            .AcceptsJson(new ResetBody(Beginning: true, At: null, Source: null, Sequence: null), OperationsJson.Default.ResetBody)
            .Produces<List<SubscriptionStatus>>()
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found")
            .ProducesProblems(StatusCodes.Status409Conflict, "replay-not-supported");
        return endpoints;
    }

    private static async Task<IResult> DeadLettersAsync(string consumer, bool? includeRedriven, MessagingAdmin messaging, CancellationToken ct) =>
        messaging.Runs(consumer)
            ? TypedResults.Ok(await messaging.DeadLettersAsync(consumer, includeRedriven ?? false, ct))
            : NoSuchConsumer(consumer);

    private static async Task<IResult> RedriveAsync(string consumer, long id, MessagingAdmin messaging, CancellationToken ct)
    {
        if (!messaging.Runs(consumer))
        {
            return NoSuchConsumer(consumer);
        }

        var result = await messaging.RedriveAsync(consumer, id, ct);
        return result.Status switch
        {
            RedriveStatus.NotFound => Problems.NotFound($"Consumer '{consumer}' has no dead letter {id}."),
            // The handler's own error goes to the dead letter's record, for operators, not into a problem.
            RedriveStatus.Failed => Problems.Result(ProblemTypes.RedriveFailed,
                $"Dead letter {id} failed again in '{consumer}' and stays a dead letter; its new error is in GET /api/admin/messaging/consumers/{consumer}/dead-letters. Fix the cause, then redrive it again."),
            _ => TypedResults.Ok(result),
        };
    }

    private static IResult NoSuchConsumer(string consumer) =>
        Problems.NotFound($"No consumer is named '{consumer}'. GET /api/admin/messaging/subscriptions lists the consumers.");

    /// <summary>
    /// <c>{"beginning": true}</c>, <c>{"at": "2026-11-26T12:00:00Z"}</c> or <c>{"source": "tickets", "sequence": 42}</c>.
    /// </summary>
    private static async Task<IResult> ResetAsync(string consumer, HttpContext http, MessagingAdmin messaging)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, OperationsJson.Default.ResetBody, maxBytes: 1024);
        if (problem is not null)
        {
            return problem;
        }

        ReplayFrom? from = body! switch
        {
            { Beginning: true, At: null, Source: null, Sequence: null } => ReplayFrom.Beginning,
            { Beginning: null or false, At: { } at, Source: null, Sequence: null } => ReplayFrom.Time(at),
            { Beginning: null or false, At: null, Source: { Length: > 0 } source, Sequence: >= 1 and var sequence } => ReplayFrom.Sequence(source, sequence),
            _ => null,
        };
        if (from is null)
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["body"] = ["Give exactly one of: {\"beginning\": true}, {\"at\": <time>}, or {\"source\": <service>, \"sequence\": <n ≥ 1>}."],
            });
        }

        if (!messaging.Runs(consumer))
        {
            return NoSuchConsumer(consumer);
        }

        try
        {
            await messaging.ResetAsync(consumer, from, http.RequestAborted);
            var all = await messaging.SubscriptionsAsync(http.RequestAborted);
            return TypedResults.Ok(all.Where(s => s.Consumer == consumer).ToList());
        }
        catch (ArgumentException) when (from is ReplayFrom.SequencePoint point)
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["source"] = [$"'{consumer}' reads no events from '{point.Source}'. GET /api/admin/messaging/subscriptions lists the sources it reads."],
            });
        }
        catch (NotSupportedException)
        {
            return Problems.Result(ProblemTypes.ReplayNotSupported,
                $"'{consumer}' keeps totals that cannot be rolled back to a point in time: reset it with {{\"beginning\": true}}. Nothing was changed.");
        }
    }
}
