using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Me;

/// <summary>The buyer's reservations and their states, newest first.</summary>
internal sealed class MyReservationsModel(BoxOfficeApi api) : PageModel
{
    private Dictionary<Guid, string> _names = [];

    public IReadOnlyList<Reservation> Reservations { get; private set; } = [];

    public string EventName(Guid id) => _names.GetValueOrDefault(id, "An event");

    public async Task OnGetAsync(CancellationToken ct)
    {
        Reservations = (await api.MyReservationsAsync(ct)).Value ?? [];
        _names = await EventNames.LoadAsync(api, Reservations.Select(r => r.EventId), ct);
    }
}
