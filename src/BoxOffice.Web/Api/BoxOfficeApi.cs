using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace BoxOffice.Web.Api;

/// <summary>The API said 401 to the signed-in user's token (expired, or from another key): sign in again.</summary>
internal sealed class SignInRequiredException() : Exception("The access token was refused.");

/// <summary>
/// The BoxOffice HTTP API as the pages use it: a typed <see cref="HttpClient"/> on <c>Web:ApiUrl</c>
/// (embedded, the host's own address), with the signed-in user's access token from the auth cookie
/// attached server-side. The browser never sees the token.
/// </summary>
internal sealed class BoxOfficeApi(HttpClient http, ApiAddress address, IHttpContextAccessor accessor)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Accounts
    public Task<ApiResult<TokenResponse>> LoginAsync(string email, string password, CancellationToken ct) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "/api/accounts/login", new { email, password }, ct, token: null);

    public Task<ApiResult<JsonNode>> RegisterAsync(string email, string password, string displayName, string birthDate, CancellationToken ct) =>
        SendAsync<JsonNode>(HttpMethod.Post, "/api/accounts/register", new { email, password, displayName, birthDate }, ct, token: null);

    public Task<ApiResult<Profile>> MeAsync(string token, CancellationToken ct) =>
        SendAsync<Profile>(HttpMethod.Get, "/api/me", null, ct, token);

    // Catalog
    public Task<ApiResult<List<EventInfo>>> EventsAsync(string? city, string? category, CancellationToken ct)
    {
        var query = new List<string>();
        if (!string.IsNullOrWhiteSpace(city))
        {
            query.Add("city=" + Uri.EscapeDataString(city));
        }

        if (!string.IsNullOrWhiteSpace(category))
        {
            query.Add("category=" + Uri.EscapeDataString(category));
        }

        return SendAsync<List<EventInfo>>(HttpMethod.Get, "/api/events" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), null, ct, token: null);
    }

    public Task<ApiResult<EventInfo>> EventAsync(Guid id, CancellationToken ct) =>
        SendAsync<EventInfo>(HttpMethod.Get, $"/api/events/{id}", null, ct, token: null);

    public async Task<ApiResult<EventInfo>> CreateEventAsync(object body, CancellationToken ct) =>
        await SendAsync<EventInfo>(HttpMethod.Post, "/api/events", body, ct, await TokenAsync());

    public async Task<ApiResult<EventInfo>> UpdateEventAsync(Guid id, object body, CancellationToken ct) =>
        await SendAsync<EventInfo>(HttpMethod.Put, $"/api/events/{id}", body, ct, await TokenAsync());

    public async Task<ApiResult<TicketType>> AddTicketTypeAsync(Guid eventId, object body, CancellationToken ct) =>
        await SendAsync<TicketType>(HttpMethod.Post, $"/api/events/{eventId}/ticket-types", body, ct, await TokenAsync());

    public async Task<ApiResult<TicketType>> ChangeCapacityAsync(Guid eventId, Guid ticketTypeId, int capacity, CancellationToken ct) =>
        await SendAsync<TicketType>(HttpMethod.Put, $"/api/events/{eventId}/ticket-types/{ticketTypeId}/capacity", new { capacity }, ct, await TokenAsync());

    public async Task<ApiResult<EventSales>> SalesAsync(Guid eventId, int bucketSeconds, CancellationToken ct) =>
        await SendAsync<EventSales>(HttpMethod.Get,
            string.Create(CultureInfo.InvariantCulture, $"/api/events/{eventId}/sales?bucketSeconds={bucketSeconds}"), null, ct, await TokenAsync());

    // Reservations
    public async Task<ApiResult<AcceptedReservation>> ReserveAsync(Guid ticketTypeId, int quantity, string paymentToken, string idempotencyKey, CancellationToken ct) =>
        await SendAsync<AcceptedReservation>(HttpMethod.Post, "/api/reservations", new { ticketTypeId, quantity, paymentToken }, ct, await TokenAsync(),
            request => request.Headers.Add("Idempotency-Key", idempotencyKey));

    public async Task<ApiResult<Reservation>> ReservationAsync(Guid id, CancellationToken ct) =>
        await SendAsync<Reservation>(HttpMethod.Get, $"/api/reservations/{id}", null, ct, await TokenAsync());

    public async Task<ApiResult<JsonNode>> CancelReservationAsync(Guid id, CancellationToken ct) =>
        await SendAsync<JsonNode>(HttpMethod.Delete, $"/api/reservations/{id}", null, ct, await TokenAsync());

    public async Task<ApiResult<List<Reservation>>> MyReservationsAsync(CancellationToken ct) =>
        await SendAsync<List<Reservation>>(HttpMethod.Get, "/api/me/reservations", null, ct, await TokenAsync());

    public async Task<ApiResult<List<OwnedTicket>>> MyTicketsAsync(CancellationToken ct) =>
        await SendAsync<List<OwnedTicket>>(HttpMethod.Get, "/api/me/tickets", null, ct, await TokenAsync());

    public async Task<ApiResult<List<FeedEntry>>> NotificationsAsync(CancellationToken ct) =>
        await SendAsync<List<FeedEntry>>(HttpMethod.Get, "/api/me/notifications?pageSize=50", null, ct, await TokenAsync());

    public async Task<ApiResult<Loyalty>> LoyaltyAsync(CancellationToken ct) =>
        await SendAsync<Loyalty>(HttpMethod.Get, "/api/me/loyalty", null, ct, await TokenAsync());

    public async Task<ApiResult<List<Recommendation>>> RecommendationsAsync(CancellationToken ct) =>
        await SendAsync<List<Recommendation>>(HttpMethod.Get, "/api/me/recommendations?limit=5", null, ct, await TokenAsync());

    // Operators
    public async Task<ApiResult<List<Subscription>>> SubscriptionsAsync(CancellationToken ct) =>
        await SendAsync<List<Subscription>>(HttpMethod.Get, "/api/admin/messaging/subscriptions", null, ct, await TokenAsync());

    public async Task<ApiResult<List<DeadLetter>>> DeadLettersAsync(string consumer, CancellationToken ct) =>
        await SendAsync<List<DeadLetter>>(HttpMethod.Get, $"/api/admin/messaging/consumers/{Uri.EscapeDataString(consumer)}/dead-letters", null, ct, await TokenAsync());

    public async Task<ApiResult<JsonNode>> RedriveAsync(string consumer, long id, CancellationToken ct) =>
        await SendAsync<JsonNode>(HttpMethod.Post,
            string.Create(CultureInfo.InvariantCulture, $"/api/admin/messaging/consumers/{Uri.EscapeDataString(consumer)}/dead-letters/{id}/redrive"), null, ct, await TokenAsync());

    public async Task<ApiResult<JsonNode>> ReplayFromStartAsync(string consumer, CancellationToken ct) =>
        await SendAsync<JsonNode>(HttpMethod.Post, $"/api/admin/messaging/consumers/{Uri.EscapeDataString(consumer)}/reset", new { beginning = true }, ct, await TokenAsync());

    public async Task<ApiResult<List<FailedMail>>> FailedMailsAsync(CancellationToken ct) =>
        await SendAsync<List<FailedMail>>(HttpMethod.Get, "/api/admin/notifications/failed-mails", null, ct, await TokenAsync());

    public async Task<ApiResult<JsonNode>> RetryMailAsync(long id, CancellationToken ct) =>
        await SendAsync<JsonNode>(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"/api/admin/notifications/failed-mails/{id}/retry"), null, ct, await TokenAsync());

    /// <summary>Opens the user's live notification stream on the API (the caller copies it to the browser).</summary>
    public async Task<HttpResponseMessage> OpenNotificationStreamAsync(string? lastEventId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address.Base, "/api/me/notifications/stream"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (!string.IsNullOrEmpty(lastEventId))
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private async Task<string> TokenAsync()
    {
        var context = accessor.HttpContext ?? throw new InvalidOperationException("The API is called outside a request.");
        return await context.GetTokenAsync(WebAuth.Scheme, WebAuth.AccessToken) ?? throw new SignInRequiredException();
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct, string? token, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(address.Base, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        configure?.Invoke(request);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized && token is not null)
        {
            throw new SignInRequiredException();
        }

        if (!response.IsSuccessStatusCode)
        {
            return new ApiResult<T>(default, await ProblemAsync(response, ct));
        }

        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
        {
            return new ApiResult<T>(default, null);
        }

        return new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(Json, ct), null);
    }

    private static async Task<ApiProblem> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's error page): the status says enough.
        }

        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (json?["errors"] is JsonObject fields)
        {
            foreach (var (field, messages) in fields)
            {
                errors[field] = messages is JsonArray list ? [.. list.Select(m => m?.ToString() ?? "")] : [messages?.ToString() ?? ""];
            }
        }

        return new ApiProblem(status, json?["type"]?.ToString(), json?["title"]?.ToString(), json?["detail"]?.ToString(), errors);
    }
}
