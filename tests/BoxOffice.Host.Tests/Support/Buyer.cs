using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Support;

/// <summary>What a buyer's client does, and waiting for the follow-on events to land.</summary>
public static class BuyerActions
{
    public static Task<HttpResponseMessage> ReserveAsync(this HttpClient buyer, Guid ticketTypeId, int quantity, string token = "tok_visa", string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
        {
            Content = JsonContent.Create(new { ticketTypeId, quantity, paymentToken = token }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return buyer.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task<Guid> ReserveAcceptedAsync(this HttpClient buyer, Guid ticketTypeId, int quantity, string token = "tok_visa")
    {
        var response = await buyer.ReserveAsync(ticketTypeId, quantity, token);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await TestApp.Json(response))["id"]!.GetValue<Guid>();
    }

    public static async Task<JsonNode> ReservationAsync(this HttpClient buyer, Guid id)
    {
        var response = await buyer.GetAsync(new Uri($"/api/reservations/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await TestApp.Json(response);
    }

    /// <summary>Polls the reservation until the condition holds (the follow-on events have landed) or fails after the timeout.</summary>
    public static Task<JsonNode> UntilAsync(this HttpClient buyer, Guid id, Func<JsonNode, bool> condition, string what, int seconds = 30) =>
        Eventually.HoldsAsync(() => buyer.ReservationAsync(id), condition, what, TimeSpan.FromSeconds(seconds));

    public static string Status(this JsonNode reservation) => reservation["status"]!.GetValue<string>();

    public static string PaymentStatus(this JsonNode reservation) => reservation["paymentStatus"]!.GetValue<string>();

    /// <returns>The problem, to check its detail and extensions.</returns>
    public static async Task<JsonNode> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        var problem = JsonNode.Parse(body)!;
        problem["type"]!.GetValue<string>().ShouldBe("https://boxoffice.local/problems/" + type, body);
        // A problem speaks to the caller: never exception text, .NET type names or our namespaces.
        foreach (var internals in new[] { "System.", "BoxOffice.", "(Parameter '", "Exception", "   at ", "Path: $" })
        {
            body.ShouldNotContain(internals, Case.Sensitive, body);
        }

        return problem;
    }
}
