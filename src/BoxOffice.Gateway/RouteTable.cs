using Yarp.ReverseProxy.Configuration;

namespace BoxOffice.Gateway;

/// <summary>
/// Which service owns which path: read off each module's <c>Map*</c> (tests/BoxOffice.Gateway.Tests
/// checks every endpoint the services really map against it). Literal segments win over
/// catch-alls, so <c>/api/me</c> (Accounts) and <c>/api/me/tickets</c> (Tickets) go apart.
/// </summary>
internal static class RouteTable
{
    /// <summary>The API services, each a cluster of one or more instances.</summary>
    public static IReadOnlyList<string> ApiServices { get; } = ["accounts", "tickets", "payments", "notifications", "recommendations", "loyalty"];

    /// <summary>The server-rendered web app, which gets every path outside <c>/api</c> when configured.</summary>
    public const string Web = "web";

    /// <summary>
    /// The services that run consumers; a consumer is named after its service, so
    /// <c>/api/admin/messaging/consumers/{consumer}/…</c> goes to the process that runs it.
    /// </summary>
    public static IReadOnlyList<string> Consumers { get; } = ["tickets", "payments", "notifications", "recommendations", "loyalty"];

    /// <summary>Path pattern → owning service.</summary>
    public static IReadOnlyList<(string Path, string Service)> Api { get; } =
    [
        ("/api/accounts/{**rest}", "accounts"),
        ("/api/me", "accounts"),
        ("/api/events/{**rest}", "tickets"),
        ("/api/reservations/{**rest}", "tickets"),
        ("/api/me/reservations", "tickets"),
        ("/api/me/tickets", "tickets"),
        ("/api/payments/{**rest}", "payments"),
        ("/api/me/notifications/{**rest}", "notifications"),
        ("/api/admin/notifications/{**rest}", "notifications"),
        ("/api/me/recommendations", "recommendations"),
        ("/api/me/loyalty", "loyalty"),
        .. Consumers.Select(c => ($"/api/admin/messaging/consumers/{c}/{{**rest}}", c)),
    ];

    /// <summary>The proxy's routes for the configured services: the API table, and the web app's catch-all when there is one.</summary>
    public static IReadOnlyList<RouteConfig> Routes(IReadOnlySet<string> configured)
    {
        var routes = Api.Select((route, i) => new RouteConfig
        {
            RouteId = $"{route.Service}-{i}",
            ClusterId = route.Service,
            Match = new RouteMatch { Path = route.Path },
        }).ToList();
        if (configured.Contains(Web))
        {
            // Lowest precedence of all: /api/… that no service owns is the gateway's own 404, never the web app's.
            routes.Add(new RouteConfig { RouteId = Web, ClusterId = Web, Match = new RouteMatch { Path = "/{**rest}" } });
        }

        return routes;
    }
}
