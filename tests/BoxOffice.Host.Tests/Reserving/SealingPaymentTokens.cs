using BoxOffice.Host.Tests.Support;
using BoxOffice.Messaging.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.Host.Tests.Reserving;

/// <summary>The buyer's payment token reaches only Payments: the tickets log holds it sealed.</summary>
public sealed class SealingPaymentTokens(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestApp App => fixture.App;

    [Fact]
    public async Task A_new_reservation_is_logged_with_its_payment_token_sealed_and_is_still_charged()
    {
        var (_, type) = await App.CreateEventAsync();
        using var buyer = await App.BuyerAsync();

        var id = await buyer.ReserveAcceptedAsync(type, 2, "tok_visa");
        await buyer.UntilAsync(id, r => r.Status() == "Acquired", "Payments opened the token and the charge succeeded");

        var logged = await LoggedAsync(id);
        logged.Select(e => e.Type).ShouldContain("tickets.held.v2");
        logged.ShouldAllBe(e => !e.Payload.Contains("tok_visa", StringComparison.Ordinal));
        logged.Single(e => e.Type == "tickets.held.v2").Payload.ShouldContain("\"sealedPaymentToken\":\"rsa-oaep-sha256:");
        (await App.LedgerAsync(id)).ShouldHaveSingleItem();
    }

    [Fact]
    public void The_generated_payments_key_is_readable_by_its_user_only()
    {
        var key = Path.Combine(App.DataDirectory, "payments-token.key");

        File.ReadAllText(key).ShouldStartWith("-----BEGIN PRIVATE KEY-----");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(key).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private async Task<List<(string Type, string Payload)>> LoggedAsync(Guid reservationId)
    {
        var tickets = App.Services.GetRequiredKeyedService<ServiceDatabase>("tickets");
        await using var connection = await tickets.OpenReadAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT type, payload FROM event_log WHERE correlation_id = '{reservationId:D}' ORDER BY seq";
        var rows = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }
}
