using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BoxOffice.Distributed.Tests.Support;

/// <summary>What a buyer's client does through the gateway, and waiting for the events to land.</summary>
public static class Reservations
{
    public static async Task<HttpResponseMessage> ReserveAsync(this HttpClient buyer, Guid ticketTypeId, int quantity, string token = "tok_visa") =>
        await buyer.PostAsJsonAsync("/api/reservations", new { ticketTypeId, quantity, paymentToken = token }, TestContext.Current.CancellationToken);

    public static async Task<Guid> ReserveAcceptedAsync(this HttpClient buyer, Guid ticketTypeId, int quantity, string token = "tok_visa")
    {
        var response = await buyer.ReserveAsync(ticketTypeId, quantity, token);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await Deployment.Json(response))["id"]!.GetValue<Guid>();
    }

    public static async Task<JsonNode> ReservationAsync(this HttpClient buyer, Guid id)
    {
        var response = await buyer.GetAsync(new Uri($"/api/reservations/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await Deployment.Json(response);
    }

    /// <summary>
    /// Polls the reservation until the condition holds, or fails after the deadline, saying what the
    /// <paramref name="deployment"/>'s processes reported when one is given.
    /// </summary>
    public static async Task<JsonNode> UntilAsync(
        this HttpClient buyer, Guid id, Func<JsonNode, bool> condition, string what, int seconds = 60, Deployment? deployment = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var reservation = await buyer.ReservationAsync(id);
            if (condition(reservation))
            {
                return reservation;
            }

            if (DateTime.UtcNow > deadline)
            {
                var diagnosis = deployment is null ? string.Empty : await deployment.DiagnoseAsync();
                Assert.Fail($"Timed out waiting until {what}; last seen: {reservation.ToJsonString()}{diagnosis}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static Task<JsonNode> FinalAsync(this HttpClient buyer, Guid id, int seconds = 90, Deployment? deployment = null) =>
        buyer.UntilAsync(id, r => r.Status() != "Pending", $"reservation {id} is final", seconds, deployment);

    public static string Status(this JsonNode reservation) => reservation["status"]!.GetValue<string>();

    public static string PaymentStatus(this JsonNode reservation) => reservation["paymentStatus"]!.GetValue<string>();
}
