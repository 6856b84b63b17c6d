using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BoxOffice.Host.Tests.Documenting;

/// <summary>
/// Problem <c>type</c>s live in one catalogue (<see cref="ProblemTypes"/>); their names, titles and
/// statuses are a contract clients match on, and an endpoint can only document names it holds.
/// </summary>
public sealed class CataloguingProblems
{
    [Fact]
    public void Every_problem_type_keeps_its_status_name_and_title_on_the_wire()
    {
        // Spelled out on purpose: a change here is a change of contract, not a refactoring.
        (int, string, string)[] wire =
        [
            (400, "invalid-request", "Invalid request"),
            (401, "invalid-credentials", "Invalid credentials"),
            (401, "account-closed", "Account closed"),
            (401, "invalid-signature", "Invalid signature"),
            (403, "wrong-password", "Wrong password"),
            (403, "age-restricted", "Age restricted"),
            (404, "not-found", "Not found"),
            (409, "pending-reservation-exists", "Pending reservation exists"),
            (409, "ticket-limit", "Ticket limit reached"),
            (409, "sold-out", "Sold out"),
            (409, "sales-closed", "Sales closed"),
            (409, "not-cancellable", "Not cancellable"),
            (409, "email-taken", "E-mail address taken"),
            (409, "capacity-below-committed", "Capacity below tickets held or sold"),
            (409, "redrive-failed", "The handler failed again"),
            (409, "replay-not-supported", "This consumer replays from the beginning only"),
            (422, "idempotency-key-reused", "Idempotency key reused"),
            (429, "rate-limited", "Too many requests"),
            (429, "too-many-attempts", "Too many failed attempts"),
            (429, "too-many-streams", "Too many streams"),
            (503, "overloaded", "Too many reservations at once"),
            (503, "unavailable", "Try again"),
            (503, "storage-full", "Storage full"),
            (504, "payment-pending", "Payment still pending"),
        ];

        ProblemTypes.All.Values.Select(t => (t.Status, t.Name, t.Title)).Order().ShouldBe(wire.Order());
        ProblemTypes.SoldOut.Uri.ShouldBe("https://boxoffice.local/problems/sold-out");
    }

    [Theory]
    [InlineData(StatusCodes.Status409Conflict, "sold-owt")]
    [InlineData(StatusCodes.Status404NotFound, "sold-out")]
    public async Task An_endpoint_cannot_document_a_problem_type_the_catalogue_does_not_hold_with_that_status(int status, string name)
    {
        await using var app = WebApplication.CreateSlimBuilder().Build();
        var endpoint = app.MapGet("/", () => Results.Ok());

        var refused = Should.Throw<ArgumentException>(() => endpoint.ProducesProblems(status, name));

        refused.Message.ShouldContain($"'{name}' with status {status} is not a problem type of BoxOffice");
        endpoint.ProducesProblems(StatusCodes.Status409Conflict, "sold-out").ShouldBeSameAs(endpoint);
    }
}
