using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace BoxOffice.ServiceDefaults;

/// <summary>
/// A stable kind of refusal: the status it is answered with, its name (the last segment of the
/// <c>type</c> URI, what clients act on) and its title (the same for every occurrence).
/// </summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Name">The stable name, such as <c>sold-out</c>.</param>
/// <param name="Title">The short human summary.</param>
public sealed record ProblemType(int Status, string Name, string Title)
{
    /// <summary>The <c>type</c> URI on the wire: <see cref="Problems.TypeBase"/> + <see cref="Name"/>.</summary>
    public string Uri => Problems.TypeBase + Name;
}

/// <summary>
/// Every problem <c>type</c> BoxOffice answers with, in one place. The names are a contract
/// (clients, tests and docs match on them): never change one, add a new one.
/// </summary>
public static class ProblemTypes
{
    /// <summary>400: the request is malformed or a field is out of bounds (a validation problem naming the fields).</summary>
    public static readonly ProblemType InvalidRequest = new(StatusCodes.Status400BadRequest, "invalid-request", "Invalid request");

    /// <summary>401: the e-mail address or the password is wrong.</summary>
    public static readonly ProblemType InvalidCredentials = new(StatusCodes.Status401Unauthorized, "invalid-credentials", "Invalid credentials");

    /// <summary>401: the token's account has been closed.</summary>
    public static readonly ProblemType AccountClosed = new(StatusCodes.Status401Unauthorized, "account-closed", "Account closed");

    /// <summary>401: a webhook whose signature does not check.</summary>
    public static readonly ProblemType InvalidSignature = new(StatusCodes.Status401Unauthorized, "invalid-signature", "Invalid signature");

    /// <summary>403: the password given to confirm an action is wrong.</summary>
    public static readonly ProblemType WrongPassword = new(StatusCodes.Status403Forbidden, "wrong-password", "Wrong password");

    /// <summary>403: the buyer is too young for the event.</summary>
    public static readonly ProblemType AgeRestricted = new(StatusCodes.Status403Forbidden, "age-restricted", "Age restricted");

    /// <summary>404: unknown, or not the caller's (never told apart).</summary>
    public static readonly ProblemType NotFound = new(StatusCodes.Status404NotFound, "not-found", "Not found");

    /// <summary>409: the buyer already has a pending reservation for the event.</summary>
    public static readonly ProblemType PendingReservationExists = new(StatusCodes.Status409Conflict, "pending-reservation-exists", "Pending reservation exists");

    /// <summary>409: more tickets than one buyer may hold or buy for the event.</summary>
    public static readonly ProblemType TicketLimit = new(StatusCodes.Status409Conflict, "ticket-limit", "Ticket limit reached");

    /// <summary>409: fewer tickets left than asked for.</summary>
    public static readonly ProblemType SoldOut = new(StatusCodes.Status409Conflict, "sold-out", "Sold out");

    /// <summary>409: the event has started; tickets are no longer sold.</summary>
    public static readonly ProblemType SalesClosed = new(StatusCodes.Status409Conflict, "sales-closed", "Sales closed");

    /// <summary>409: only a Pending reservation can be cancelled.</summary>
    public static readonly ProblemType NotCancellable = new(StatusCodes.Status409Conflict, "not-cancellable", "Not cancellable");

    /// <summary>409: an account with this e-mail address exists already.</summary>
    public static readonly ProblemType EmailTaken = new(StatusCodes.Status409Conflict, "email-taken", "E-mail address taken");

    /// <summary>409: a capacity below the tickets held or sold.</summary>
    public static readonly ProblemType CapacityBelowCommitted = new(StatusCodes.Status409Conflict, "capacity-below-committed", "Capacity below tickets held or sold");

    /// <summary>409: a redriven dead letter failed again.</summary>
    public static readonly ProblemType RedriveFailed = new(StatusCodes.Status409Conflict, "redrive-failed", "The handler failed again");

    /// <summary>409: the consumer can be reset to the beginning only.</summary>
    public static readonly ProblemType ReplayNotSupported = new(StatusCodes.Status409Conflict, "replay-not-supported", "This consumer replays from the beginning only");

    /// <summary>422: an idempotency key reused for a different request.</summary>
    public static readonly ProblemType IdempotencyKeyReused = new(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency key reused");

    /// <summary>429: a rate limit (with <c>Retry-After</c>).</summary>
    public static readonly ProblemType RateLimited = new(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests");

    /// <summary>429: too many failed logins for one e-mail from one address (with <c>Retry-After</c>).</summary>
    public static readonly ProblemType TooManyAttempts = new(StatusCodes.Status429TooManyRequests, "too-many-attempts", "Too many failed attempts");

    /// <summary>429: too many live streams open.</summary>
    public static readonly ProblemType TooManyStreams = new(StatusCodes.Status429TooManyRequests, "too-many-streams", "Too many streams");

    /// <summary>503: the accept queue is full (with <c>Retry-After</c>).</summary>
    public static readonly ProblemType Overloaded = new(StatusCodes.Status503ServiceUnavailable, "overloaded", "Too many reservations at once");

    /// <summary>503: the request could not be recorded; nothing was done.</summary>
    public static readonly ProblemType Unavailable = new(StatusCodes.Status503ServiceUnavailable, "unavailable", "Try again");

    /// <summary>503: the disk the service writes to is full; nothing was done, what was committed before is kept (with <c>Retry-After</c>).</summary>
    public static readonly ProblemType StorageFull = new(StatusCodes.Status503ServiceUnavailable, "storage-full", "Storage full");

    /// <summary>504: request-response mode only; the payment did not finish while the request waited (the reservation goes on).</summary>
    public static readonly ProblemType PaymentPending = new(StatusCodes.Status504GatewayTimeout, "payment-pending", "Payment still pending");

    /// <summary>Every type, by name.</summary>
    public static FrozenDictionary<string, ProblemType> All { get; } = new[]
    {
        InvalidRequest, InvalidCredentials, AccountClosed, InvalidSignature, WrongPassword, AgeRestricted, NotFound,
        PendingReservationExists, TicketLimit, SoldOut, SalesClosed, NotCancellable, EmailTaken, CapacityBelowCommitted,
        RedriveFailed, ReplayNotSupported, IdempotencyKeyReused, RateLimited, TooManyAttempts, TooManyStreams, Overloaded, Unavailable,
        StorageFull, PaymentPending,
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The type named <paramref name="name"/> answered with <paramref name="status"/>; throws for one not in the catalogue.</summary>
    public static ProblemType Get(string name, int status) =>
        All.TryGetValue(name, out var type) && type.Status == status
            ? type
            : throw new ArgumentException(
                $"'{name}' with status {status} is not a problem type of BoxOffice; add it to {nameof(ProblemTypes)} (or use the status it has there).", nameof(name));
}
