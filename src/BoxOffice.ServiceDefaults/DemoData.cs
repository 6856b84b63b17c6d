using Microsoft.Extensions.Configuration;

namespace BoxOffice.ServiceDefaults;

/// <summary>Facts of the demo data that more than one service seeds with (embedded first start).</summary>
public static class DemoData
{
    /// <summary>The demo organizer's user id: Accounts creates the user with it, Tickets its events.</summary>
    public static readonly Guid OrganizerId = new("01960000-0000-7000-8000-00000000a001");

    /// <summary>Demo data is seeded unless <c>Seed:Enabled</c> is false.</summary>
    public const string EnabledKey = "Seed:Enabled";

    /// <summary>The demo organizer's password. No password is ever written in code: without it, no organizer is seeded.</summary>
    public const string OrganizerPasswordKey = "Seed:OrganizerPassword";

    /// <summary>
    /// Whether the demo organizer is seeded (and so the demo catalog it owns): seeding is not switched
    /// off and an organizer password is configured.
    /// </summary>
    public static bool SeedsOrganizer(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetValue(EnabledKey, defaultValue: true) && !string.IsNullOrEmpty(configuration[OrganizerPasswordKey]);
    }
}
