using BoxOffice.Web.Api;

namespace BoxOffice.Web.Pages.Me;

/// <summary>Event names for a list of ids: the upcoming catalog in one call, then the rest one by one.</summary>
internal static class EventNames
{
    public static async Task<Dictionary<Guid, string>> LoadAsync(BoxOfficeApi api, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.ToHashSet();
        var names = ((await api.EventsAsync(null, null, ct)).Value ?? []).Where(e => wanted.Contains(e.Id)).ToDictionary(e => e.Id, e => e.Name);
        foreach (var id in wanted.Where(id => !names.ContainsKey(id)))
        {
            if ((await api.EventAsync(id, ct)).Value is { } found)
            {
                names[id] = found.Name;
            }
        }

        return names;
    }
}
