using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BoxOffice.ServiceDefaults;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy;

namespace BoxOffice.Gateway;

/// <summary>
/// <c>GET /api/admin/messaging/subscriptions</c> through the gateway: where every consumer of every
/// service stands, as the embedded host answers it. Each service process knows only its own, so the
/// gateway asks one instance of each (with the caller's token: each service authorizes the caller
/// itself) and puts the answers together. The per-consumer admin paths need no such help: they name
/// their consumer, which names its service (<see cref="RouteTable.Consumers"/>).
/// </summary>
internal static class Subscriptions
{
    public const string HttpClientName = "subscriptions";

    public const string Path = "/api/admin/messaging/subscriptions";

    public static void Map(WebApplication app) =>
        app.MapGet(Path, AllAsync).WithName("ListSubscriptions").WithSummary("Where every consumer of every service stands");

    private static async Task<IResult> AllAsync(HttpContext http, IProxyStateLookup proxy, IHttpClientFactory clients)
    {
        var client = clients.CreateClient(HttpClientName);
        var asks = RouteTable.ApiServices.Select(service => AskAsync(client, proxy, service, http.Request.Headers.Authorization.ToString(), http.RequestAborted)).ToList();
        var answers = await Task.WhenAll(asks);
        // A refusal (no token, not an organizer) is the caller's answer as any one service gives it.
        if (answers.FirstOrDefault(a => a.Refusal is not null) is { Refusal: { } refusal })
        {
            return refusal;
        }

        var all = new JsonArray();
        foreach (var answer in answers)
        {
            foreach (var subscription in answer.Subscriptions!)
            {
                all.Add(subscription?.DeepClone());
            }
        }

        return TypedResults.Text(all.ToJsonString(), "application/json");
    }

    private static async Task<(JsonArray? Subscriptions, IResult? Refusal)> AskAsync(
        HttpClient client, IProxyStateLookup proxy, string service, string authorization, CancellationToken ct)
    {
        if (!proxy.TryGetCluster(service, out var cluster) || cluster.DestinationsState.AvailableDestinations is not [var destination, ..])
        {
            return (null, Problems.Result(ProblemTypes.Unavailable, $"No instance of {service} answers; its consumers' positions are unknown."));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(destination.Model.Config.Address), Path));
        if (!string.IsNullOrEmpty(authorization))
        {
            request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await client.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode && JsonNode.Parse(body) is JsonArray subscriptions)
            {
                return (subscriptions, null);
            }

            return (null, (int)response.StatusCode is >= 400 and < 500
                ? TypedResults.Text(body, response.Content.Headers.ContentType?.ToString(), statusCode: (int)response.StatusCode)
                : Problems.Result(ProblemTypes.Unavailable, $"{service} answered {(int)response.StatusCode} for its consumers' positions."));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return (null, Problems.Result(ProblemTypes.Unavailable, $"{service} did not answer for its consumers' positions: {ex.Message}"));
        }
    }
}
