using BoxOffice.Accounts;
using BoxOffice.Loyalty;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Notifications;
using BoxOffice.Payments;
using BoxOffice.Recommendations;
using BoxOffice.Tickets;

namespace BoxOffice.Host;

/// <summary>
/// One BoxOffice service as a host composes it: its name (also its database's and its consumer's,
/// when it has one), the port it listens on when it runs alone and nothing else is said, its
/// registrations and its endpoints.
/// </summary>
internal sealed record Module(string Name, int Port, Func<MessagingBuilder, IConfiguration, MessagingBuilder> Add, Action<WebApplication> Map)
{
    /// <summary>Every service, in the order the embedded host adds and maps them.</summary>
    public static IReadOnlyList<Module> All { get; } =
    [
        new("accounts", 5101, (m, c) => m.AddAccounts(c), app => app.MapAccounts()),
        new("tickets", 5102, (m, c) => m.AddTickets(c), app => app.MapTickets()),
        new("payments", 5103, (m, c) => m.AddPayments(c), app => app.MapPayments()),
        new("notifications", 5104, (m, c) => m.AddNotifications(c), app => app.MapNotifications()),
        new("recommendations", 5105, (m, c) => m.AddRecommendations(c), app => app.MapRecommendations()),
        new("loyalty", 5106, (m, c) => m.AddLoyalty(c), app => app.MapLoyalty(app.Configuration)),
    ];

    /// <summary>The service of that name, or null.</summary>
    public static Module? Named(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
