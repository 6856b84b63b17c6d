using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Events;

/// <summary>One event: its ticket types with live availability, and the reserve form.</summary>
internal sealed class EventDetailsModel(BoxOfficeApi api) : PageModel
{
    public EventInfo? Event { get; private set; }

    [BindProperty]
    public ReserveInput Input { get; set; } = new();

    /// <summary>The API's human message when the reservation was refused.</summary>
    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Input = new ReserveInput { TicketTypeId = Event!.TicketTypes.FirstOrDefault(t => t.Available > 0)?.Id, IdempotencyKey = Guid.NewGuid().ToString("N") };
        return Page();
    }

    /// <summary>Availability per ticket type, for the page's refresh.</summary>
    public async Task<IActionResult> OnGetAvailabilityAsync(Guid id, CancellationToken ct)
    {
        var found = await api.EventAsync(id, ct);
        return found.Ok
            ? new JsonResult(found.Value!.TicketTypes.ToDictionary(t => t.Id.ToString(), t => t.Available))
            : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Redirect("/account/login?returnUrl=" + Uri.EscapeDataString($"/events/{id}"));
        }

        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (Input.TicketTypeId is not { } type || Event!.TicketTypes.All(t => t.Id != type))
        {
            Refusal = "Choose a ticket type.";
            return Page();
        }

        if (Input.Quantity is not (>= 1 and <= 100) || Input.Quantity is not { } quantity)
        {
            Refusal = "Choose how many tickets, from 1.";
            return Page();
        }

        var card = Display.TestCards.Any(c => c.Token == Input.Card) ? Input.Card! : Display.TestCards[0].Token;
        // One key per form shown: a double submit (or a retry after a lost answer) is the same reservation.
        var key = string.IsNullOrWhiteSpace(Input.IdempotencyKey) ? Guid.NewGuid().ToString("N") : Input.IdempotencyKey;
        var accepted = await api.ReserveAsync(type, quantity, card, key, ct);
        if (accepted.Ok)
        {
            return Redirect($"/reservations/{accepted.Value!.Id}");
        }

        Refusal = accepted.Problem!.Message;
        // A refused request used its key: a corrected one needs another.
        Input.IdempotencyKey = Guid.NewGuid().ToString("N");
        ModelState.Remove("Input.IdempotencyKey");
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var found = await api.EventAsync(id, ct);
        Event = found.Value;
        return found.Ok;
    }
}

internal sealed class ReserveInput
{
    public Guid? TicketTypeId { get; set; }

    public int? Quantity { get; set; } = 1;

    public string? Card { get; set; }

    public string? IdempotencyKey { get; set; }
}
