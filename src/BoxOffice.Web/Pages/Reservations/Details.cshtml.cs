using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Reservations;

/// <summary>
/// One reservation, right after it was accepted and until it is final: the page's script listens
/// to the live notifications and fetches the <c>Status</c> fragment when one is about it.
/// </summary>
internal sealed class ReservationDetailsModel(BoxOfficeApi api, TimeProvider time) : PageModel
{
    public ReservationStatusView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        View = await LoadAsync(api, id, time, ct);
        return View is null ? NotFound() : Page();
    }

    /// <summary>The status block alone, for the live update.</summary>
    public async Task<IActionResult> OnGetStatusAsync(Guid id, CancellationToken ct)
    {
        var view = await LoadAsync(api, id, time, ct);
        return view is null ? NotFound() : Partial("_Status", view);
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct)
    {
        await api.CancelReservationAsync(id, ct);
        return Redirect($"/reservations/{id}");
    }

    internal static async Task<ReservationStatusView?> LoadAsync(BoxOfficeApi api, Guid id, TimeProvider time, CancellationToken ct)
    {
        var found = await api.ReservationAsync(id, ct);
        if (!found.Ok)
        {
            return null;
        }

        var reservation = found.Value!;
        var e = (await api.EventAsync(reservation.EventId, ct)).Value;
        var type = e?.TicketTypes.FirstOrDefault(t => t.Id == reservation.TicketTypeId);
        return new ReservationStatusView(reservation, e?.Name ?? "the event", type?.Name ?? "tickets", time.GetUtcNow());
    }
}

/// <summary>A reservation with the names a person reads.</summary>
internal sealed record ReservationStatusView(Reservation Reservation, string EventName, string TicketTypeName, DateTimeOffset Now)
{
    /// <summary>Why a reservation ended without tickets, in words.</summary>
    public string Reason => Reservation.Status switch
    {
        "Expired" => "The hold ran out before the payment was confirmed; the tickets went back on sale. No money was taken.",
        "Cancelled" => "You cancelled it. No money was taken.",
        _ => Reservation.FailureReason switch
        {
            null or "" => "The payment did not go through. No money was taken.",
            var reason => "The payment did not go through: " + Humanize(reason) + ". No money was taken.",
        },
    };

    private static string Humanize(string reason) => reason switch
    {
        "card_declined" => "your card was declined",
        "authentication_canceled" or "authentication_failed" => "the one-time code was not confirmed",
        _ => reason.Replace('_', ' '),
    };
}
