using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.GroupCommit;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Buyers;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReserveQueue = BoxOffice.Messaging.GroupCommit.GroupCommitQueue<
    BoxOffice.Tickets.Reservations.ReserveRequest,
    BoxOffice.Tickets.Reservations.ReserveState,
    BoxOffice.Tickets.Storage.TicketsChange,
    BoxOffice.Tickets.Reservations.ReserveOutcome>;

namespace BoxOffice.Tickets.Reservations;

/// <summary>The body of <c>POST /api/reservations</c>; every field is required.</summary>
internal sealed record ReserveBody(Guid? TicketTypeId, int? Quantity, string? PaymentToken);

/// <summary>The 202 answer.</summary>
internal sealed record AcceptedReservation(Guid Id, string Status, DateTimeOffset ExpiresAt);

/// <summary>
/// A reserve request as it joins the group commit: the buyer comes from the token, the payment
/// token is already sealed (off the writer), and <paramref name="ReservationId"/> is the id its
/// reservation gets if it is accepted (made at the edge, so deciding stays pure).
/// </summary>
internal sealed record ReserveRequest(
    Guid ReservationId,
    Guid UserId,
    DateOnly? BirthDate,
    Guid TicketTypeId,
    int Quantity,
    string SealedPaymentToken,
    string? IdempotencyKey,
    string? RequestHash);

internal abstract record ReserveOutcome
{
    public sealed record Accepted(Guid Id, ReservationStatus Status, DateTimeOffset ExpiresAt) : ReserveOutcome;

    /// <summary>Refused; <paramref name="Holds"/> and <paramref name="Limits"/> are set once the buyer's holds were looked at.</summary>
    public sealed record Refused(Refusal Why, TicketTypeState? Type, BuyerHolds? Holds = null, HoldLimits? Limits = null) : ReserveOutcome;

    public sealed record KeyReused : ReserveOutcome;
}

/// <summary>Why a reserve request is refused; each maps to one HTTP status and problem type.</summary>
internal enum Refusal
{
    AccountClosed,
    UnknownTicketType,
    QuantityAboveMaxPerOrder,
    SalesClosed,
    AgeRestricted,

    /// <summary>The buyer already has as many Pending reservations for the event as allowed.</summary>
    PendingReservationExists,

    /// <summary>The tickets the buyer holds or bought for the event, plus these, pass the per-buyer limit.</summary>
    TicketLimit,
    SoldOut,

    /// <summary>The total does not fit a charge (only a stored type that bypassed the catalog's bounds gets here).</summary>
    AmountOutOfRange,
}

/// <summary>A ticket type with its event's facts that a reservation is decided on.</summary>
internal sealed record TicketTypeState(
    Guid Id,
    Guid EventId,
    long Price,
    string Currency,
    int Capacity,
    int Held,
    int Sold,
    int MaxPerOrder,
    DateTimeOffset EventStartsAt,
    int MinimumAge)
{
    public int Available => Capacity - Held - Sold;
}

/// <summary>What the buyer already holds or owns for the event (<paramref name="LatestPending"/>: one Pending reservation's id, to point the buyer at).</summary>
internal sealed record BuyerHolds(int PendingReservations, int Tickets, Guid? LatestPending = null)
{
    public static BuyerHolds None { get; } = new(0, 0);
}

internal sealed record HoldLimits(int MaxPendingPerEvent, int MaxTicketsPerEvent);

/// <summary>The reservation an earlier request with an Idempotency-Key made, and the hash of that request's body.</summary>
internal sealed record KeyedReservation(Guid Id, string? RequestHash, ReservationStatus Status, DateTimeOffset ExpiresAt);

/// <summary>
/// What a batch of reserve requests is decided on: loaded once per batch for every buyer, key and
/// ticket type in it, then evolved by each accepted request, so the next one sees the stock and the
/// holds the earlier ones left.
/// </summary>
internal sealed record ReserveState(
    ImmutableHashSet<Guid> ClosedAccounts,
    ImmutableDictionary<(Guid UserId, string Key), KeyedReservation> Keyed,
    ImmutableDictionary<Guid, TicketTypeState> TicketTypes,
    ImmutableDictionary<(Guid UserId, Guid EventId), BuyerHolds> Holds,
    HoldLimits Limits,
    TimeSpan HoldDuration)
{
    public static ReserveState Empty(HoldLimits limits, TimeSpan holdDuration) => new(
        [], ImmutableDictionary<(Guid, string), KeyedReservation>.Empty, ImmutableDictionary<Guid, TicketTypeState>.Empty,
        ImmutableDictionary<(Guid, Guid), BuyerHolds>.Empty, limits, holdDuration);
}

/// <summary>
/// <c>POST /api/reservations</c>: hold tickets as Pending and answer 202 at once; payment follows
/// as events. The buyer is the authenticated principal, never a field of the body. Requests join the
/// group commit (<see cref="GroupCommitQueue{TRequest, TState, TChange, TResult}"/>; bounded: a
/// full queue answers 503): one writer decides up to <c>MaxBatch</c> of them per transaction, each
/// exactly, against the stock and holds the requests before it left, so batching never oversells
/// and never holds partially. In request-response mode the same request then waits for the
/// reservation to be final (<see cref="AnswerWhenFinal"/>).
/// </summary>
internal static class ReserveTickets
{
    public const int MaxIdempotencyKeyLength = 200;

    public static void AddServices(IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<AcceptMetrics>();
        services.AddSingleton<ReserveTicketsInGroups>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TicketsOptions>>().Value;
            var queue = new ReserveQueue(
                sp.GetRequiredKeyedService<ServiceDatabase>(TicketsModule.Database), sp.GetRequiredService<ReserveTicketsInGroups>(),
                options.AcceptQueueCapacity, options.MaxBatch, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReserveTickets).FullName!));
            sp.GetRequiredService<AcceptMetrics>().ObserveQueue(() => queue.Depth);
            return queue;
        });
        services.AddHostedService(sp => sp.GetRequiredService<ReserveQueue>());
    }

    public static void Map(IEndpointRouteBuilder reservations) =>
        reservations.MapPost("/", HandleAsync).RequireReservationRateLimit()
            .WithName("ReserveTickets")
            .WithSummary("Reserve tickets: held as Pending at once (202), then payment decides; in request-response mode (Tickets:Mode, for comparison only) answered once final (200) or after its timeout (504)")
            .AcceptsJson(new ReserveBody(Guid.Parse("0196f1a2-7c00-7000-8000-000000000001"), 2, "tok_visa"), TicketsJson.Default.ReserveBody)
            .WithHeaderParameter("Idempotency-Key", $"Optional, at most {MaxIdempotencyKeyLength} characters: a retry with the same key and body answers with the same reservation; with another body, 422.")
            .ProducesWithLocation<AcceptedReservation>(StatusCodes.Status202Accepted, "`/api/reservations/{id}`: poll it until Acquired or Released.")
            .Produces<ReservationView>(StatusCodes.Status200OK)
            .ProducesProblems(StatusCodes.Status400BadRequest, "invalid-request")
            .ProducesProblems(StatusCodes.Status401Unauthorized, "account-closed")
            .ProducesProblems(StatusCodes.Status403Forbidden, "age-restricted")
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found")
            .ProducesProblems(StatusCodes.Status409Conflict, "sold-out", "sales-closed", "pending-reservation-exists", "ticket-limit")
            .ProducesProblems(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused")
            .ProducesProblems(StatusCodes.Status429TooManyRequests, "rate-limited")
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable, "overloaded", "unavailable", "storage-full")
            .ProducesProblems(StatusCodes.Status504GatewayTimeout, "payment-pending");

    public static async Task<IResult> HandleAsync(
        HttpContext http, ReserveQueue queue, PaymentTokenPublicKey paymentsKey, TimeProvider time, AcceptMetrics metrics, IOptions<TicketsOptions> options,
        [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets)
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

        // Before the token is sealed: a sold-out answer costs no encryption.
        if (key.Length == 0 && SoldOutRecently.Holds(body!.TicketTypeId!.Value, time.GetUtcNow()))
        {
            metrics.Refusal(Refusal.SoldOut);
            return SoldOut(body.Quantity!.Value, available: 0);
        }

        var user = http.User;
        // Sealed here, on the request's thread: the token never reaches the log (or the single
        // writer's queue) in clear, and the writer does not pay for the encryption.
        var request = new ReserveRequest(
            Guid.CreateVersion7(time.GetUtcNow()), user.UserId(), user.BirthDateOf(), body!.TicketTypeId!.Value, body.Quantity!.Value,
            PaymentTokenSeal.Seal(body.PaymentToken!, paymentsKey), key.Length == 0 ? null : key, key.Length == 0 ? null : Hash(body));
        using var waiter = options.Value.Mode == TicketsMode.RequestResponse ? AnswerWhenFinal.Watch(request.ReservationId) : null;
        if (!queue.TryJoin(request, out var decided))
        {
            metrics.QueueFull();
            http.Response.Headers.RetryAfter = "1";
            return Problems.Result(ProblemTypes.Overloaded,
                "The reservation queue is full; nothing was reserved. Try again in a second.");
        }

        ReserveOutcome outcome;
        try
        {
            outcome = await decided.WaitAsync(http.RequestAborted);
        }
        catch (GroupCommitFailedException failed) when (StorageSpace.IsFullDisk(failed))
        {
            metrics.DiskFull();
            return StorageFullAnswer.Result(http, "The disk the reservations are kept on is full, so nothing was reserved; "
                + "reservations made before are kept. Try again later with the same Idempotency-Key.");
        }
        catch (GroupCommitFailedException)
        {
            metrics.CommitFailed();
            http.Response.Headers.RetryAfter = "1";
            return Problems.Result(ProblemTypes.Unavailable,
                "The reservation could not be recorded; nothing was reserved. Try again.");
        }

        switch (outcome)
        {
            case ReserveOutcome.Refused refused:
                metrics.Refusal(refused.Why);
                if (refused is { Why: Refusal.SoldOut, Type.Available: 0 })
                {
                    SoldOutRecently.Remember(refused.Type.Id, time.GetUtcNow(), options.Value.SoldOutMemory);
                }

                break;
            case ReserveOutcome.KeyReused:
                metrics.IdempotencyKeyReused();
                break;
        }

        if (waiter is not null && outcome is ReserveOutcome.Accepted held)
        {
            // A replayed Idempotency-Key answers for the reservation it made: that one is awaited.
            using var other = held.Id == request.ReservationId ? null : AnswerWhenFinal.Watch(held.Id);
            return await AnswerWhenFinal.WaitAsync(http, other ?? waiter, tickets, options.Value, time);
        }

        return outcome switch
        {
            ReserveOutcome.Accepted accepted => TypedResults.Accepted(
                $"/api/reservations/{accepted.Id}",
                new AcceptedReservation(accepted.Id, accepted.Status.ToString(), accepted.ExpiresAt)),
            ReserveOutcome.Refused refused => Refuse(refused, body.Quantity!.Value),
            ReserveOutcome.KeyReused => Problems.Result(ProblemTypes.IdempotencyKeyReused,
                "This Idempotency-Key was used for a different request; use a new key for a new reservation."),
            _ => throw new InvalidOperationException($"Unmapped outcome {outcome}."),
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

    /// <summary>
    /// Decides one reserve request against the state the requests before it in the batch left.
    /// Accepted: a Pending reservation, its tickets held, and <c>TicketsHeld</c> (correlated by the
    /// reservation's id). A replayed Idempotency-Key answers with the reservation it made.
    /// </summary>
    public static Verdict<TicketsChange, ReserveOutcome> Decide(ReserveState state, ReserveRequest request, DateTimeOffset now)
    {
        // Before anything else, even a replayed key: a closed account's token no longer writes.
        if (state.ClosedAccounts.Contains(request.UserId))
        {
            return Verdict<TicketsChange, ReserveOutcome>.Only(new ReserveOutcome.Refused(Refusal.AccountClosed, null));
        }

        if (request.IdempotencyKey is { } key && state.Keyed.TryGetValue((request.UserId, key), out var earlier))
        {
            return Verdict<TicketsChange, ReserveOutcome>.Only(earlier.RequestHash == request.RequestHash
                ? new ReserveOutcome.Accepted(earlier.Id, earlier.Status, earlier.ExpiresAt)
                : new ReserveOutcome.KeyReused());
        }

        var type = state.TicketTypes.GetValueOrDefault(request.TicketTypeId);
        var holds = type is null ? BuyerHolds.None : state.Holds.GetValueOrDefault((request.UserId, type.EventId), BuyerHolds.None);
        if (Check(type, request.Quantity, request.BirthDate, holds, state.Limits, now) is { } refusal)
        {
            return Verdict<TicketsChange, ReserveOutcome>.Only(new ReserveOutcome.Refused(refusal, type, holds, state.Limits));
        }

        // Check refused any total that does not fit; checked all the same, so a rule change can only fail loudly.
        var amount = checked(type!.Price * request.Quantity);
        var expiresAt = now + state.HoldDuration;
        var reservation = new Reservation(
            request.ReservationId, request.UserId, type.EventId, type.Id, request.Quantity, amount, type.Currency,
            ReservationStatus.Pending, PaymentStatus.Processing, null, null, null, expiresAt);
        return new Verdict<TicketsChange, ReserveOutcome>(
            new ReserveOutcome.Accepted(reservation.Id, reservation.Status, expiresAt),
            new Decision<TicketsChange>(
                [new ReservationCreated(reservation, request.IdempotencyKey, request.RequestHash, now), new StockMoved(type.Id, request.Quantity, 0)],
                [Outgoing.Of(new TicketsHeld(
                    reservation.Id, request.UserId, type.EventId, type.Id, request.Quantity, amount, type.Currency, request.SealedPaymentToken, expiresAt))]),
            CorrelationId: reservation.Id);
    }

    /// <summary>The state the next request of the batch is decided on.</summary>
    public static ReserveState Evolve(ReserveState state, TicketsChange change)
    {
        switch (change)
        {
            case ReservationCreated { Reservation: var r } created:
                var holds = state.Holds.GetValueOrDefault((r.UserId, r.EventId), BuyerHolds.None);
                return state with
                {
                    Holds = state.Holds.SetItem((r.UserId, r.EventId), new BuyerHolds(holds.PendingReservations + 1, holds.Tickets + r.Quantity, r.Id)),
                    Keyed = created.IdempotencyKey is { } key
                        ? state.Keyed.SetItem((r.UserId, key), new KeyedReservation(r.Id, created.RequestHash, r.Status, r.ExpiresAt))
                        : state.Keyed,
                };
            case StockMoved move when state.TicketTypes.TryGetValue(move.TicketTypeId, out var type):
                return state with
                {
                    TicketTypes = state.TicketTypes.SetItem(type.Id, type with { Held = type.Held + move.Held, Sold = type.Sold + move.Sold }),
                };
            default:
                return state;
        }
    }

    /// <summary>Null when the request may be accepted; else the first rule it breaks.</summary>
    public static Refusal? Check(TicketTypeState? type, int quantity, DateOnly? birthDate, BuyerHolds holds, HoldLimits limits, DateTimeOffset now)
    {
        if (type is null)
        {
            return Refusal.UnknownTicketType;
        }

        if (quantity > type.MaxPerOrder)
        {
            return Refusal.QuantityAboveMaxPerOrder;
        }

        if (Amount(type.Price, quantity) is null)
        {
            return Refusal.AmountOutOfRange;
        }

        if (now >= type.EventStartsAt)
        {
            return Refusal.SalesClosed;
        }

        if (!IsOldEnough(birthDate, type.EventStartsAt, type.MinimumAge))
        {
            return Refusal.AgeRestricted;
        }

        if (holds.PendingReservations >= limits.MaxPendingPerEvent)
        {
            return Refusal.PendingReservationExists;
        }

        if (holds.Tickets + quantity > limits.MaxTicketsPerEvent)
        {
            return Refusal.TicketLimit;
        }

        return type.Available < quantity ? Refusal.SoldOut : null;
    }

    /// <summary>
    /// The total to charge, in minor units; null when it would overflow or be negative. Checked
    /// arithmetic: a wrapped total would charge a wrong, possibly negative, amount.
    /// </summary>
    public static long? Amount(long price, int quantity)
    {
        try
        {
            var amount = checked(price * quantity);
            return amount >= 0 ? amount : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>The one age rule (Contracts' <see cref="AgeRule"/>): the buyer's age on the event's UTC date.</summary>
    public static bool IsOldEnough(DateOnly? birthDate, DateTimeOffset eventStartsAt, int minimumAge) =>
        AgeRule.IsOldEnough(birthDate, eventStartsAt, minimumAge);

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
        Refusal.SoldOut => SoldOut(quantity, refused.Type!.Available),
        _ => throw new InvalidOperationException($"Unmapped refusal {refused.Why}."),
    };

    private static IResult SoldOut(int quantity, int available) => Problems.Result(ProblemTypes.SoldOut,
        string.Create(CultureInfo.InvariantCulture, $"Fewer than {quantity} tickets of this type are left ({available} available); nothing was held."));

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

    /// <summary>What makes two requests with one Idempotency-Key "the same request".</summary>
    private static string Hash(ReserveBody body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{body.TicketTypeId:D}\n{body.Quantity}\n{body.PaymentToken}"))));
}

/// <summary>
/// The I/O of the reserve group commit: a batch's state in four queries whatever its size (closed
/// accounts, earlier idempotency keys, ticket types, the buyers' holds: <c>IN</c> lists of what the
/// batch touches), and its changes in one statement batch.
/// </summary>
internal sealed class ReserveTicketsInGroups(IOptions<TicketsOptions> options, ReservationLog reservationLog, AcceptMetrics metrics)
    : IBatchDecider<ReserveRequest, ReserveState, TicketsChange, ReserveOutcome>
{
    public async Task<ReserveState> LoadAsync(ServiceTransaction transaction, IReadOnlyList<ReserveRequest> requests, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        metrics.Batch(requests.Count);
        var state = ReserveState.Empty(
            new HoldLimits(options.Value.MaxPendingPerEvent, options.Value.MaxTicketsPerEvent), options.Value.HoldDuration);
        var users = requests.Select(r => r.UserId.ToString()).Distinct().ToList();
        var closed = state.ClosedAccounts.ToBuilder();
        await using (var reader = await transaction.Command($"SELECT user_id FROM closed_accounts WHERE user_id IN ({SqlList.Placeholders("@u", users.Count)})")
            .WithList("@u", users).ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                closed.Add(Guid.Parse(reader.GetString(0)));
            }
        }

        var keyed = state.Keyed.ToBuilder();
        var keys = requests.Where(r => r.IdempotencyKey is not null).Select(r => r.IdempotencyKey!).Distinct().ToList();
        if (keys.Count > 0)
        {
            var keyUsers = requests.Where(r => r.IdempotencyKey is not null).Select(r => r.UserId.ToString()).Distinct().ToList();
            await using var reader = await transaction.Command($"""
                    SELECT user_id, idempotency_key, id, request_hash, status, expires_at FROM reservations
                    WHERE user_id IN ({SqlList.Placeholders("@u", keyUsers.Count)}) AND idempotency_key IN ({SqlList.Placeholders("@k", keys.Count)})
                    """).WithList("@u", keyUsers).WithList("@k", keys).ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                keyed[(Guid.Parse(reader.GetString(0)), reader.GetString(1))] = new KeyedReservation(
                    Guid.Parse(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetString(3),
                    Enum.Parse<ReservationStatus>(reader.GetString(4)), TicketsStore.At(reader.GetInt64(5)));
            }
        }

        var types = state.TicketTypes.ToBuilder();
        var typeIds = requests.Select(r => r.TicketTypeId.ToString()).Distinct().ToList();
        await using (var reader = await transaction.Command($"""
                SELECT t.id, t.event_id, t.price, t.currency, t.capacity, t.held, t.sold, t.max_per_order, e.starts_at, e.minimum_age
                FROM ticket_types t JOIN events e ON e.id = t.event_id WHERE t.id IN ({SqlList.Placeholders("@t", typeIds.Count)})
                """).WithList("@t", typeIds).ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var type = new TicketTypeState(
                    Guid.Parse(reader.GetString(0)), Guid.Parse(reader.GetString(1)), reader.GetInt64(2), reader.GetString(3),
                    reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), TicketsStore.At(reader.GetInt64(8)), reader.GetInt32(9));
                types[type.Id] = type;
            }
        }

        var holds = state.Holds.ToBuilder();
        var events = types.Values.Select(t => t.EventId.ToString()).Distinct().ToList();
        if (events.Count > 0)
        {
            // Every (buyer, event) pair of the batch at once; pairs no request asks about cost nothing.
            await using var reader = await transaction.Command($"""
                    SELECT user_id, event_id, CAST(SUM(CASE WHEN status = 'Pending' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(quantity) AS BIGINT),
                        MAX(CASE WHEN status = 'Pending' THEN id END)
                    FROM reservations
                    WHERE user_id IN ({SqlList.Placeholders("@u", users.Count)}) AND event_id IN ({SqlList.Placeholders("@e", events.Count)})
                        AND status IN ('Pending', 'Acquired')
                    GROUP BY user_id, event_id
                    """).WithList("@u", users).WithList("@e", events).ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                // Ids are version 7 GUIDs: the greatest is the latest reservation.
                holds[(Guid.Parse(reader.GetString(0)), Guid.Parse(reader.GetString(1)))] = new BuyerHolds(
                    checked((int)reader.GetInt64(2)), checked((int)reader.GetInt64(3)), reader.IsDBNull(4) ? null : Guid.Parse(reader.GetString(4)));
            }
        }

        return state with { ClosedAccounts = closed.ToImmutable(), Keyed = keyed.ToImmutable(), TicketTypes = types.ToImmutable(), Holds = holds.ToImmutable() };
    }

    public Verdict<TicketsChange, ReserveOutcome> Decide(ReserveState state, ReserveRequest request, DateTimeOffset now) =>
        ReserveTickets.Decide(state, request, now);

    public ReserveState Evolve(ReserveState state, TicketsChange change) => ReserveTickets.Evolve(state, change);

    public async Task WriteAsync(ServiceTransaction transaction, IReadOnlyList<TicketsChange> changes, CancellationToken cancellationToken)
    {
        await TicketsWriter.WriteAllAsync(transaction, changes, cancellationToken);
        var held = changes.OfType<ReservationCreated>().Select(c => c.Reservation).ToList();
        if (held.Count > 0)
        {
            // Logged once the group commit commits: a batch that fails logs nothing.
            transaction.OnCommitted(() =>
            {
                metrics.Committed(held.Count);
                foreach (var r in held)
                {
                    reservationLog.Accepted(r.Id, r.Quantity, r.TicketTypeId, r.ExpiresAt);
                }
            });
        }
    }
}
