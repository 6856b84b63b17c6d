using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Tickets.Reservations;

internal sealed record OwnedTicket(string Code, Guid EventId, Guid TicketTypeId, Guid ReservationId);

/// <summary>The buyer's own reservations and tickets; nobody else's, ever.</summary>
internal static class GetReservations
{
    public static void MapOne(IEndpointRouteBuilder reservations) =>
        reservations.MapGet("/{id:guid}", OneAsync)
            .WithName("GetReservation")
            .WithSummary("One of your reservations: its state, payment and ticket codes")
            .Produces<ReservationView>()
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found");

    public static void MapMine(IEndpointRouteBuilder mine)
    {
        mine.MapGet("/reservations", MineAsync)
            .WithName("ListMyReservations")
            .WithSummary("Your reservations, newest first")
            .Produces<List<ReservationView>>();
        mine.MapGet("/tickets", TicketsAsync)
            .WithName("ListMyTickets")
            .WithSummary("Your ticket codes")
            .Produces<List<OwnedTicket>>();
    }

    public static async Task<IResult> OneAsync(Guid id, HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets)
    {
        await using var connection = await tickets.OpenReadAsync(http.RequestAborted);
        var found = await ReservationView.LoadOwnedAsync(connection, http.User.UserId(), id, http.RequestAborted);
        return found.Count == 0 ? Problems.NotFound("No such reservation.") : TypedResults.Ok(found[0]);
    }

    public static async Task<IResult> MineAsync(HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets)
    {
        await using var connection = await tickets.OpenReadAsync(http.RequestAborted);
        return TypedResults.Ok(await ReservationView.LoadOwnedAsync(connection, http.User.UserId(), id: null, http.RequestAborted));
    }

    public static async Task<IResult> TicketsAsync(HttpContext http, [FromKeyedServices(TicketsModule.Database)] ServiceDatabase tickets)
    {
        var ct = http.RequestAborted;
        await using var connection = await tickets.OpenReadAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT code, event_id, ticket_type_id, reservation_id FROM tickets WHERE user_id = @user ORDER BY created_at, code";
        command.With("@user", http.User.UserId().ToString());
        var owned = new List<OwnedTicket>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            owned.Add(new OwnedTicket(reader.GetString(0), Guid.Parse(reader.GetString(1)), Guid.Parse(reader.GetString(2)), Guid.Parse(reader.GetString(3))));
        }

        return TypedResults.Ok(owned);
    }
}
