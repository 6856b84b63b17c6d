using BoxOffice.Web.Api;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BoxOffice.Web.Pages.Me;

/// <summary>The buyer's notification feed, newest first.</summary>
internal sealed class MyNotificationsModel(BoxOfficeApi api) : PageModel
{
    public IReadOnlyList<FeedEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Entries = (await api.NotificationsAsync(ct)).Value ?? [];
}
