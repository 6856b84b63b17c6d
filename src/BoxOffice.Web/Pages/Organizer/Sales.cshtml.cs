using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Organizer;

/// <summary>An event's sale, live: the figures and chart are fetched again every 2 seconds.</summary>
internal sealed class SalesModel(BoxOfficeApi api) : PageModel
{
    /// <summary>Points of 10 s: a sale in progress moves the line within seconds.</summary>
    public const int BucketSeconds = 10;

    public EventSales? Sales { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var found = await api.SalesAsync(id, BucketSeconds, ct);
        Sales = found.Value;
        return found.Ok ? Page() : NotFound();
    }

    public async Task<IActionResult> OnGetLiveAsync(Guid id, CancellationToken ct)
    {
        var found = await api.SalesAsync(id, BucketSeconds, ct);
        return found.Ok ? Partial("_Sales", found.Value) : NotFound();
    }
}
