using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Buyers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BoxOffice.Tickets.Reservations;

/// <summary>The body of <c>POST /api/reservations</c>; every field is required.</summary>
internal sealed record ReserveBody(Guid? TicketTypeId, int? Quantity, string? PaymentToken);

/// <summary>
/// <c>POST /api/reservations</c>: hold tickets as Pending and answer 202 at once; payment follows
/// as events. The buyer is the authenticated principal, never a field of the body.
/// </summary>
internal static class ReserveTickets
{
    public const int MaxIdempotencyKeyLength = 200;

    public static void Map(IEndpointRouteBuilder reservations) =>
        reservations.MapPost("/", HandleAsync).RequireRateLimiting(RateLimits.Reservations)
            .WithName("ReserveTickets")
            .WithSummary("Reserve tickets: held as Pending at once (202), then payment decides")
            .AcceptsJson(new ReserveBody(Guid.Parse("0196f1a2-7c00-7000-8000-000000000001"), 2, "tok_visa"), TicketsJson.Default.ReserveBody)
            .WithHeaderParameter("Idempotency-Key", $"Optional, at most {MaxIdempotencyKeyLength} characters: a retry with the same key and body answers with the same reservation; with another body, 422.")
            .ProducesWithLocation<AcceptedReservation>(StatusCodes.Status202Accepted, "`/api/reservations/{id}`: poll it until Acquired or Released.")
            .ProducesProblems(StatusCodes.Status400BadRequest, "invalid-request")
            .ProducesProblems(StatusCodes.Status401Unauthorized, "account-closed")
            .ProducesProblems(StatusCodes.Status403Forbidden, "age-restricted")
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found")
            .ProducesProblems(StatusCodes.Status409Conflict, "sold-out", "sales-closed", "pending-reservation-exists", "ticket-limit")
            .ProducesProblems(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused")
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable, "overloaded", "unavailable");

    public static async Task<IResult> HandleAsync(HttpContext http, AcceptQueue queue, PaymentTokenPublicKey paymentsKey)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, TicketsJson.Default.ReserveBody, maxBytes: 4 * 1024);
        if (problem is not null)
        {
            return problem;
        }

        var key = http.Request.Headers["Idempotency-Key"].ToString();
        var errors = Validate(body!, key);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var user = http.User;
        // Sealed here, on the request's thread: the token never reaches the log (or the single
        // writer's queue) in clear, and the writer does not pay for the encryption.
        var request = new PendingReserve(
            user.UserId(), user.BirthDateOf(), body!.TicketTypeId!.Value, body.Quantity!.Value, PaymentTokenSeal.Seal(body.PaymentToken!, paymentsKey),
            key.Length == 0 ? null : key, key.Length == 0 ? null : Hash(body));
        if (!queue.TryEnqueue(request))
        {
            http.Response.Headers.RetryAfter = "1";
            return Problems.Result(ProblemTypes.Overloaded,
                "The reservation queue is full; nothing was reserved. Try again in a second.");
        }

        var outcome = await request.Done.Task.WaitAsync(http.RequestAborted);
        return outcome switch
        {
            ReserveOutcome.Accepted accepted => TypedResults.Accepted(
                $"/api/reservations/{accepted.Id}",
                new AcceptedReservation(accepted.Id, accepted.Status.ToString(), accepted.ExpiresAt)),
            ReserveOutcome.Refused refused => Refuse(refused, body.Quantity!.Value),
            ReserveOutcome.KeyReused => Problems.Result(ProblemTypes.IdempotencyKeyReused,
                "This Idempotency-Key was used for a different request; use a new key for a new reservation."),
            _ => Unavailable(http),
        };
    }

    internal static Dictionary<string, string[]> Validate(ReserveBody body, string idempotencyKey)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.TicketTypeId is null || body.TicketTypeId == Guid.Empty)
        {
            errors["ticketTypeId"] = ["ticketTypeId is required: the id of the ticket type to reserve."];
        }

        if (body.Quantity is not { } quantity || quantity < 1)
        {
            errors["quantity"] = ["quantity is required and must be at least 1."];
        }

        if (string.IsNullOrWhiteSpace(body.PaymentToken) || body.PaymentToken.Length > 100)
        {
            errors["paymentToken"] = ["paymentToken is required (at most 100 characters)."];
        }

        if (idempotencyKey.Length > MaxIdempotencyKeyLength)
        {
            errors["Idempotency-Key"] = [$"The Idempotency-Key header is at most {MaxIdempotencyKeyLength} characters."];
        }

        return errors;
    }

    private static IResult Refuse(ReserveOutcome.Refused refused, int quantity) => refused.Why switch
    {
        Refusal.AccountClosed => ClosedAccounts.Refusal(),
        Refusal.UnknownTicketType => Problems.NotFound("No such ticket type."),
        Refusal.QuantityAboveMaxPerOrder => Problems.Validation(new Dictionary<string, string[]>
        {
            ["quantity"] = [string.Create(CultureInfo.InvariantCulture, $"At most {refused.Type!.MaxPerOrder} tickets of this type per order.")],
        }),
        Refusal.AmountOutOfRange => Problems.Validation(new Dictionary<string, string[]>
        {
            ["quantity"] = [string.Create(CultureInfo.InvariantCulture, $"{quantity} tickets of this type come to more than can be charged in one order.")],
        }),
        Refusal.SalesClosed => Problems.Result(ProblemTypes.SalesClosed,
            "The event has started; tickets are no longer sold."),
        Refusal.AgeRestricted => Problems.Result(ProblemTypes.AgeRestricted,
            string.Create(CultureInfo.InvariantCulture, $"Buyers must be at least {refused.Type!.MinimumAge} on the day of the event.")),
        Refusal.PendingReservationExists => PendingReservationExists(refused.Holds!),
        Refusal.TicketLimit => TicketLimit(refused.Holds!, refused.Limits!, quantity),
        Refusal.SoldOut => Problems.Result(ProblemTypes.SoldOut,
            string.Create(CultureInfo.InvariantCulture, $"Fewer than {quantity} tickets of this type are left ({refused.Type!.Available} available); nothing was held.")),
        _ => throw new InvalidOperationException($"Unmapped refusal {refused.Why}."),
    };

    private static IResult PendingReservationExists(BuyerHolds holds) => holds.LatestPending is { } pending
        ? Problems.Result(ProblemTypes.PendingReservationExists,
            $"You already have a pending reservation for this event ({pending}); complete or cancel it before reserving again.",
            new Dictionary<string, object?> { ["reservationId"] = pending })
        : Problems.Result(ProblemTypes.PendingReservationExists,
            "You already have a pending reservation for this event; complete or cancel it before reserving again.");

    private static IResult TicketLimit(BuyerHolds holds, HoldLimits limits, int quantity) =>
        Problems.Result(ProblemTypes.TicketLimit,
            string.Create(CultureInfo.InvariantCulture,
                $"You hold or bought {holds.Tickets} of the {limits.MaxTicketsPerEvent} tickets allowed per buyer for this event; {quantity} more would take you over."),
            new Dictionary<string, object?> { ["ticketsHeldOrBought"] = holds.Tickets, ["maxTicketsPerBuyer"] = limits.MaxTicketsPerEvent });

    private static IResult Unavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return Problems.Result(ProblemTypes.Unavailable,
            "The reservation could not be recorded; nothing was reserved. Try again.");
    }

    /// <summary>What makes two requests with one Idempotency-Key "the same request".</summary>
    private static string Hash(ReserveBody body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{body.TicketTypeId:D}\n{body.Quantity}\n{body.PaymentToken}"))));
}

/// <summary>The 202 answer.</summary>
internal sealed record AcceptedReservation(Guid Id, string Status, DateTimeOffset ExpiresAt);
