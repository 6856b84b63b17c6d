using System.Net;
using System.Net.Http.Json;
using BoxOffice.Host.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Host.Tests.Reserving;

/// <summary>An access token outlives its account: Tickets refuses it on its write paths once told of the closure.</summary>
public sealed class ReservingWithAClosedAccount(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Password = "Leaving-pass-7";

    private TestApp App => fixture.App;

    [Fact]
    public async Task A_closed_accounts_token_can_no_longer_reserve_or_cancel_and_nothing_is_held()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, waiting) = await App.CreateEventAsync(capacity: 10);
        var (laterEvent, later) = await App.CreateEventAsync(capacity: 10);
        var email = $"leaving-{Guid.NewGuid():N}@example.test";
        using (var anonymous = App.Client())
        {
            (await anonymous.PostAsJsonAsync("/api/accounts/register", new { email, password = Password, displayName = "Leaving", birthDate = "1990-01-01" }, ct))
                .StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        using var buyer = App.Client(await App.LoginAsync(email, Password));
        // Held while the buyer's 3-D Secure challenge waits: a Pending reservation they could cancel.
        var pending = await buyer.ReserveAcceptedAsync(waiting, 1, "tok_threeDSecureRequired");
        var userId = (await TestApp.Json(await buyer.GetAsync(new Uri("/api/me", UriKind.Relative), ct)))["id"]!.GetValue<Guid>();

        using var close = new HttpRequestMessage(HttpMethod.Delete, "/api/me") { Content = JsonContent.Create(new { password = Password }) };
        (await buyer.SendAsync(close, ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await Eventually.HoldsAsync(() => TicketsKnowsClosedAsync(userId), closed => closed, "Tickets has consumed AccountClosed");

        await (await buyer.ReserveAsync(later, 1)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "account-closed");
        (await App.AvailableAsync(laterEvent)).ShouldBe(10);
        await (await buyer.DeleteAsync(new Uri($"/api/reservations/{pending}", UriKind.Relative), ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "account-closed");
        (await buyer.ReservationAsync(pending)).Status().ShouldBe("Pending");
        (await buyer.GetAsync(new Uri("/api/me", UriKind.Relative), ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var anonymousAgain = App.Client();
        (await anonymousAgain.PostAsJsonAsync("/api/accounts/login", new { email, password = Password }, ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task<bool> TicketsKnowsClosedAsync(Guid userId) =>
        await App.CountAsync("tickets", $"SELECT COUNT(*) FROM closed_accounts WHERE user_id = '{userId:D}'") == 1;
}
