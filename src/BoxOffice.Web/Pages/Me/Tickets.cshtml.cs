using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Me;

/// <summary>The buyer's tickets with their QR codes, by event.</summary>
internal sealed class MyTicketsModel(BoxOfficeApi api) : PageModel
{
    private Dictionary<Guid, string> _names = [];

    public IReadOnlyList<OwnedTicket> Tickets { get; private set; } = [];

    public string EventName(Guid id) => _names.GetValueOrDefault(id, "An event");

    public async Task OnGetAsync(CancellationToken ct)
    {
        Tickets = (await api.MyTicketsAsync(ct)).Value ?? [];
        _names = await EventNames.LoadAsync(api, Tickets.Select(t => t.EventId), ct);
    }
}
