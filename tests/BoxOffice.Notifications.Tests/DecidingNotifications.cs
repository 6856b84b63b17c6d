using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Contracts.Accounts;
using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Composing;
using BoxOffice.Notifications.Mail;
using BoxOffice.Notifications.Recipients;
using BoxOffice.Notifications.Reservations;
using BoxOffice.Notifications.Storage;

namespace BoxOffice.Notifications.Tests;

/// <summary>The pure decisions of the Notifications slices: no host, no database, no mail server.</summary>
public sealed class DecidingNotifications
{
    private static readonly DateTimeOffset Now = new(2031, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly EventDetails Hamlet = new("Hamlet", "Royal Court Theatre", "London", new DateTimeOffset(2031, 6, 14, 19, 30, 0, TimeSpan.FromHours(1)));
    private static readonly Known NothingYet = new(false, null, null);
    private static readonly Known ToldAlready = new(true, null, null);

    private static readonly Guid User = Guid.CreateVersion7();
    private static readonly Guid Reservation = Guid.CreateVersion7();
    private static readonly Guid Event = Guid.CreateVersion7();
    private static readonly Guid PaymentId = Guid.CreateVersion7();

    private static readonly TicketsAcquired Acquired = new(Reservation, User, Event, Guid.CreateVersion7(), 2, 8400, "EUR", ["A", "B"]);
    private static readonly TicketsReleased Released = new(Reservation, User, Event, Guid.CreateVersion7(), 2, ReleaseReason.Expired, "expired");
    private static readonly PaymentRequiresAction Required = new(PaymentId, Reservation, User, new Uri("http://gateway.test/challenge/pi_1"));
    private static readonly PaymentRefunded Refunded = new(PaymentId, Reservation, User, 8400, "EUR");

    private static EventEnvelope EnvelopeOf<T>(T @event) where T : IEvent<T> =>
        new(Guid.CreateVersion7(), T.WireName, Now, Reservation, null, JsonSerializer.Serialize(@event, T.JsonTypeInfo));

    private static NotificationChange.Told Told(Decision<NotificationChange> decision)
    {
        decision.Events.ShouldBeEmpty();
        return decision.Changes.ShouldHaveSingleItem().ShouldBeOfType<NotificationChange.Told>();
    }

    [Fact]
    public void A_fact_not_told_yet_is_told_with_the_event_that_caused_it()
    {
        var source = EnvelopeOf(Acquired);

        var told = Told(NotifyTicketsAcquired.Decide(NothingYet with { Event = Hamlet }, Acquired, source, Now));

        told.ShouldBe(new NotificationChange.Told(NotifyTicketsAcquired.Compose(Acquired, Hamlet), source.EventId, source.Payload, Now));
        told.Notification.Key.ShouldBe(NotifyTicketsAcquired.KeyOf(Acquired));
    }

    [Fact]
    public void A_fact_told_already_decides_nothing_whatever_tells_it_again()
    {
        NotifyTicketsAcquired.Decide(ToldAlready, Acquired, EnvelopeOf(Acquired), Now).IsEmpty.ShouldBeTrue();
        NotifyTicketsReleased.Decide(ToldAlready, Released, EnvelopeOf(Released), Now).IsEmpty.ShouldBeTrue();
        NotifyPaymentRequiresAction.Decide(ToldAlready, Required, EnvelopeOf(Required), Now).IsEmpty.ShouldBeTrue();
        NotifyPaymentRefunded.Decide(ToldAlready, Refunded, EnvelopeOf(Refunded), Now).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Each_fact_is_keyed_by_what_it_tells_so_a_replay_finds_it()
    {
        NotifyTicketsAcquired.KeyOf(Acquired).ShouldBe($"tickets-acquired:{Reservation:D}");
        NotifyTicketsReleased.KeyOf(Released).ShouldBe($"tickets-released:{Reservation:D}");
        NotifyPaymentRefunded.KeyOf(Refunded).ShouldBe($"payment-refunded:{PaymentId:D}");
        NotifyPaymentRequiresAction.KeyOf(Required).ShouldBe($"payment-requires-action:{PaymentId:D}:http://gateway.test/challenge/pi_1");
    }

    [Fact]
    public void A_new_challenge_of_the_same_payment_is_a_new_fact()
    {
        var again = Required with { ChallengeUrl = new Uri("http://gateway.test/challenge/pi_2") };

        NotifyPaymentRequiresAction.KeyOf(again).ShouldNotBe(NotifyPaymentRequiresAction.KeyOf(Required));
    }

    [Fact]
    public void A_payment_notification_names_the_event_and_tickets_of_the_kept_reservation()
    {
        var known = new Known(false, new KeptReservation(Event, 3), Hamlet);

        var told = Told(NotifyPaymentRequiresAction.Decide(known, Required, EnvelopeOf(Required), Now));

        told.Notification.EventId.ShouldBe(Event);
        told.Notification.Text.ShouldContain("3 tickets for Hamlet");
        Told(NotifyPaymentRefunded.Decide(known, Refunded, EnvelopeOf(Refunded), Now)).Notification.EventId.ShouldBe(Event);
    }

    [Fact]
    public void A_payment_notification_whose_hold_was_not_seen_yet_is_told_without_naming_the_event()
    {
        var told = Told(NotifyPaymentRefunded.Decide(NothingYet, Refunded, EnvelopeOf(Refunded), Now));

        told.Notification.EventId.ShouldBeNull();
        told.Notification.Text.ShouldContain("your event");
    }

    [Fact]
    public void A_release_is_told_with_its_reason()
    {
        var told = Told(NotifyTicketsReleased.Decide(NothingYet with { Event = Hamlet }, Released, EnvelopeOf(Released), Now));

        told.Notification.ShouldBe(NotifyTicketsReleased.Compose(Released, Hamlet));
        told.Notification.Subject.ShouldBe("Your reservation for Hamlet expired");
    }

    [Fact]
    public void A_reservation_is_kept_once_and_its_hold_seen_again_decides_nothing()
    {
        var held = new TicketsHeld(Reservation, User, Event, Guid.CreateVersion7(), 2, 8400, "EUR", "sealed", Now.AddMinutes(10));

        KeepReservation.Decide(null, held).Changes.ShouldBe([new NotificationChange.ReservationKept(Reservation, Event, 2)]);
        KeepReservation.Decide(new KeptReservation(Event, 2), held).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_registration_keeps_the_address_and_name_to_write_to()
    {
        var registered = new AccountRegistered(User, "ada@example.test", "Ada Lovelace", new DateOnly(1990, 1, 1));

        KeepRecipient.Decide(registered, Now).Changes
            .ShouldBe([new NotificationChange.RecipientKept(User, "ada@example.test", "Ada Lovelace", Now)]);
    }

    [Fact]
    public void A_publication_keeps_the_event_details_with_the_start_in_the_venues_offset()
    {
        var published = new EventPublished(Event, "Hamlet", "Royal Court Theatre", "London", "theatre", ["A. Actor"], Hamlet.StartsAt, 0);

        var kept = KeepEventDetails.Decide(published, Now).Changes.ShouldHaveSingleItem().ShouldBeOfType<NotificationChange.EventDetailsKept>();

        kept.ShouldBe(new NotificationChange.EventDetailsKept(Event, Hamlet, Now));
        EventDetails.ParseStart(EventDetails.FormatStart(kept.Details.StartsAt)).Offset.ShouldBe(TimeSpan.FromHours(1));
    }

    private static OutgoingMail Mail(int attempts) =>
        new(7, Kinds.TicketsAcquired, "ada@example.test", "Ada", "Your tickets", "text", "{}", Hamlet, Now, attempts);

    [Fact]
    public void A_delivered_mail_is_sent_to_the_address_it_went_to()
    {
        OutgoingMails.Decide(Mail(0), new Delivery.Sent(), Now, new NotificationsOptions())
            .ShouldBe(new NotificationChange.MailSent(7, "ada@example.test", Now));
    }

    [Fact]
    public void A_mail_refused_for_good_is_given_up_on_at_once()
    {
        OutgoingMails.Decide(Mail(0), new Delivery.Permanent("550 no such user"), Now, new NotificationsOptions())
            .ShouldBe(new NotificationChange.MailFailed(7, "ada@example.test", "550 no such user", Now));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 8)]
    public void A_mail_that_failed_for_now_is_tried_again_after_the_backoff(int attemptsBefore, int seconds)
    {
        OutgoingMails.Decide(Mail(attemptsBefore), new Delivery.Transient("421 busy"), Now, new NotificationsOptions())
            .ShouldBe(new NotificationChange.MailDeferred(7, "ada@example.test", "421 busy", Now.AddSeconds(seconds)));
    }

    [Fact]
    public void A_mail_that_used_up_its_attempts_is_given_up_on_and_unlimited_attempts_never_are()
    {
        var limited = new NotificationsOptions { MaxSendAttempts = 3 };

        OutgoingMails.Decide(Mail(1), new Delivery.Transient("421 busy"), Now, limited).ShouldBeOfType<NotificationChange.MailDeferred>();
        OutgoingMails.Decide(Mail(2), new Delivery.Transient("421 busy"), Now, limited)
            .ShouldBe(new NotificationChange.MailFailed(7, "ada@example.test", "421 busy", Now));
        OutgoingMails.Decide(Mail(10_000), new Delivery.Transient("421 busy"), Now, new NotificationsOptions())
            .ShouldBeOfType<NotificationChange.MailDeferred>();
    }

    [Fact]
    public void A_batch_of_attempts_decides_one_change_per_mail_in_order()
    {
        var decision = OutgoingMails.Decide(
            [(Mail(0), new Delivery.Sent()), (Mail(0) with { NotificationId = 8 }, new Delivery.Transient("421 busy"))], Now, new NotificationsOptions());

        decision.Events.ShouldBeEmpty();
        decision.Changes.Select(c => c.GetType()).ShouldBe([typeof(NotificationChange.MailSent), typeof(NotificationChange.MailDeferred)]);
    }

    [Fact]
    public void Only_a_failed_mail_is_sent_again()
    {
        FailedMails.DecideRetry(7, "failed", Now).Changes.ShouldBe([new NotificationChange.MailRetried(7, Now)]);
        FailedMails.DecideRetry(7, "pending", Now).IsEmpty.ShouldBeTrue();
        FailedMails.DecideRetry(7, "sent", Now).IsEmpty.ShouldBeTrue();
        FailedMails.DecideRetry(7, null, Now).IsEmpty.ShouldBeTrue();
    }
}
