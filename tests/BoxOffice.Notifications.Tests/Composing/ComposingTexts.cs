using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Composing;
using BoxOffice.Notifications.Tests.Support;

namespace BoxOffice.Notifications.Tests.Composing;

/// <summary>What buyers are told, without a host.</summary>
public sealed class ComposingTexts
{
    private static readonly EventDetails Hamlet = new("Hamlet", "Royal Court Theatre", "London", new DateTimeOffset(2031, 6, 14, 19, 30, 0, TimeSpan.FromHours(1)));
    private static readonly Buyer Ada = Scenario.NewBuyer();

    [Fact]
    public void Bought_tickets_name_the_event_venue_time_and_price()
    {
        var acquired = new TicketsAcquired(Guid.NewGuid(), Ada.UserId, Guid.NewGuid(), Guid.NewGuid(), 2, 8400, "EUR", ["A", "B"]);

        var told = NotifyTicketsAcquired.Compose(acquired, Hamlet);

        told.Kind.ShouldBe("tickets-acquired");
        told.Text.ShouldStartWith("Your 2 tickets for Hamlet at Royal Court Theatre, London on Saturday 14 June 2031 at 19:30 (UTC+01:00) are confirmed");
        told.Text.ShouldContain("84.00 EUR");
        // The same text opens the tickets e-mail itself: it must not send the reader to "the e-mail".
        told.Text.ShouldNotContain("e-mail");
        told.Subject.ShouldBe("Your tickets for Hamlet");
        told.Key.ShouldBe($"tickets-acquired:{acquired.ReservationId:D}");
    }

    [Fact]
    public void One_ticket_is_one_ticket()
    {
        var acquired = new TicketsAcquired(Guid.NewGuid(), Ada.UserId, Guid.NewGuid(), Guid.NewGuid(), 1, 4200, "EUR", ["A"]);

        NotifyTicketsAcquired.Compose(acquired, Hamlet).Text.ShouldStartWith("Your 1 ticket for Hamlet");
    }

    [Theory]
    [InlineData(ReleaseReason.PaymentFailed, "declined")]
    [InlineData(ReleaseReason.Expired, "expired")]
    [InlineData(ReleaseReason.Cancelled, "cancelled")]
    public void Released_tickets_say_why(ReleaseReason reason, string why)
    {
        var released = new TicketsReleased(Guid.NewGuid(), Ada.UserId, Guid.NewGuid(), Guid.NewGuid(), 2, reason, null);

        var told = NotifyTicketsReleased.Compose(released, Hamlet);

        told.Kind.ShouldBe("tickets-released");
        told.Text.ShouldContain(why);
        told.Subject.ShouldContain(why);
        told.Text.ShouldContain("2 tickets for Hamlet");
    }

    [Fact]
    public void A_decline_gives_the_gateways_reason()
    {
        var released = new TicketsReleased(Guid.NewGuid(), Ada.UserId, Guid.NewGuid(), Guid.NewGuid(), 2, ReleaseReason.PaymentFailed, "insufficient funds");

        NotifyTicketsReleased.Compose(released, Hamlet).Text.ShouldContain("was declined (insufficient funds)");
    }

    [Fact]
    public void A_payment_to_confirm_links_to_the_challenge()
    {
        var required = new PaymentRequiresAction(Guid.NewGuid(), Guid.NewGuid(), Ada.UserId, new Uri("https://gateway.test/challenge/42"));

        var told = NotifyPaymentRequiresAction.Compose(required, Guid.NewGuid(), 3, Hamlet);

        told.Kind.ShouldBe("payment-requires-action");
        told.Text.ShouldContain("https://gateway.test/challenge/42");
        told.Text.ShouldContain("3 tickets for Hamlet");
    }

    [Fact]
    public void A_refund_says_how_much()
    {
        var refunded = new PaymentRefunded(Guid.NewGuid(), Guid.NewGuid(), Ada.UserId, 8400, "EUR");

        var told = NotifyPaymentRefunded.Compose(refunded, Guid.NewGuid(), Hamlet);

        told.Kind.ShouldBe("payment-refunded");
        told.Text.ShouldStartWith("We refunded 84.00 EUR for your reservation for Hamlet");
    }

    [Fact]
    public void An_event_not_known_yet_is_your_event()
    {
        var refunded = new PaymentRefunded(Guid.NewGuid(), Guid.NewGuid(), Ada.UserId, 500, "JPY");

        NotifyPaymentRefunded.Compose(refunded, null, null).Text.ShouldStartWith("We refunded 500 JPY for your reservation for your event.");
    }
}
