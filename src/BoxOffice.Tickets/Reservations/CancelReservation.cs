using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Buyers;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Tickets.Reservations;

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
        if (await ClosedAccounts.IsClosedAsync(tx, user, ct))
        {
            return ClosedAccounts.Refusal();
        }

        var reservation = await TicketsStore.LoadReservationAsync(tx, id, ct);
        if (reservation is null || reservation.UserId != user)
        {
            return Problems.NotFound("No such reservation.");
        }

        if (!ReservationRules.CanRelease(reservation.Status))
        {
            return Problems.Result(ProblemTypes.NotCancellable,
                $"Only a Pending reservation can be cancelled; this one is {reservation.Status}.");
        }

        var now = time.GetUtcNow();
        await TicketsStore.SetStatusAsync(tx, id, ReservationStatus.Cancelled, null, null, now, ct);
        await TicketsStore.ReturnToStockAsync(tx, reservation.TicketTypeId, reservation.Quantity, ct);
        tx.Publish(new TicketsReleased(id, user, reservation.EventId, reservation.TicketTypeId, reservation.Quantity, ReleaseReason.Cancelled, "Cancelled by the buyer."), correlationId: id);
        await tx.CommitAsync(ct);
        log.Cancelled(id);
        return TypedResults.Ok(ReservationView.From(reservation with { Status = ReservationStatus.Cancelled }, []));
    }
}
