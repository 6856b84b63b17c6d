using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.GroupCommit;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Buyers;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Tickets.Reservations;

internal abstract record CancelOutcome
{
    public sealed record Cancelled(Reservation Reservation) : CancelOutcome;

    public sealed record AccountClosed : CancelOutcome;

    /// <summary>Missing, or someone else's: the same answer either way.</summary>
    public sealed record NotFound : CancelOutcome;

    public sealed record NotCancellable(ReservationStatus Status) : CancelOutcome;
}

/// <summary>
/// <c>DELETE /api/reservations/{id}</c>: the buyer gives a Pending reservation up; its tickets go
/// back on sale. A payment still in flight is refunded when it lands (see AcquireOnPaymentSucceeded).
/// </summary>
internal static class CancelReservation
{
    public static void Map(IEndpointRouteBuilder reservations) =>
        reservations.MapDelete("/{id:guid}", HandleAsync)
            .WithName("CancelReservation")
            .WithSummary("Give a Pending reservation up; its tickets go back on sale")
            .Produces<ReservationView>()
            .ProducesProblems(StatusCodes.Status401Unauthorized, "account-closed")
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found")
            .ProducesProblems(StatusCodes.Status409Conflict, "not-cancellable");

    public static async Task<IResult> HandleAsync(Guid id, HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets, TimeProvider time, ReservationLog log)
    {
        var ct = http.RequestAborted;
        var user = http.User.UserId();
        await using var tx = await tickets.BeginAsync(ct);
        var closed = await ClosedAccounts.IsClosedAsync(tx, user, ct);
        var reservation = closed ? null : await TicketsStore.LoadReservationAsync(tx, id, ct);
        var verdict = Decide(closed, reservation, user, time.GetUtcNow());
        if (verdict.Result is not CancelOutcome.Cancelled cancelled)
        {
            return verdict.Result switch
            {
                CancelOutcome.AccountClosed => ClosedAccounts.Refusal(),
                CancelOutcome.NotCancellable refused => Problems.Result(ProblemTypes.NotCancellable,
                    $"Only a Pending reservation can be cancelled; this one is {refused.Status}."),
                _ => Problems.NotFound("No such reservation."),
            };
        }

        await tx.ApplyAsync(verdict.Decision, TicketsWriter.Instance, verdict.CorrelationId, ct: ct);
        await tx.CommitAsync(ct);
        log.Cancelled(id);
        return TypedResults.Ok(ReservationView.From(cancelled.Reservation, []));
    }

    /// <summary>
    /// The buyer's own Pending reservation: Cancelled, its tickets back on sale, <c>TicketsReleased</c>
    /// (correlated by the reservation). A closed account's token changes nothing.
    /// </summary>
    public static Verdict<TicketsChange, CancelOutcome> Decide(bool accountClosed, Reservation? reservation, Guid user, DateTimeOffset now)
    {
        if (accountClosed)
        {
            return Verdict<TicketsChange, CancelOutcome>.Only(new CancelOutcome.AccountClosed());
        }

        if (reservation is null || reservation.UserId != user)
        {
            return Verdict<TicketsChange, CancelOutcome>.Only(new CancelOutcome.NotFound());
        }

        if (!reservation.CanRelease)
        {
            return Verdict<TicketsChange, CancelOutcome>.Only(new CancelOutcome.NotCancellable(reservation.Status));
        }

        var cancelled = reservation with { Status = ReservationStatus.Cancelled };
        return new Verdict<TicketsChange, CancelOutcome>(
            new CancelOutcome.Cancelled(cancelled),
            new Decision<TicketsChange>(
                [new ReservationChanged(cancelled, now), new StockMoved(reservation.TicketTypeId, -reservation.Quantity, 0)],
                [Outgoing.Of(new TicketsReleased(
                    reservation.Id, user, reservation.EventId, reservation.TicketTypeId, reservation.Quantity, ReleaseReason.Cancelled, "Cancelled by the buyer."))]),
            reservation.Id);
    }
}
