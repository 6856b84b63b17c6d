using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Tickets.Outcomes;
using BoxOffice.Tickets.Reservations;
using BoxOffice.Tickets.Storage;

namespace BoxOffice.Tickets.Tests.Outcomes;

/// <summary>What each payment outcome does to a reservation in each state: no host, no database.</summary>
public sealed class DecidingPaymentOutcomes
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static Reservation Reservation(ReservationStatus status = ReservationStatus.Pending, PaymentStatus payment = PaymentStatus.Processing,
        DateTimeOffset? refundRequestedAt = null, DateTimeOffset? expiresAt = null) =>
        new(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), 2, 9_000, "EUR",
            status, payment, null, null, refundRequestedAt, expiresAt ?? Now.AddMinutes(8));

    private static PaymentSucceeded Succeeded(Reservation r) => new(Guid.CreateVersion7(), r.Id, r.UserId, r.Amount, r.Currency);

    [Fact]
    public void A_success_acquires_a_pending_reservation_selling_its_held_tickets_and_issuing_its_codes()
    {
        var pending = Reservation();
        string[] codes = ["BO-A", "BO-B"];

        var decision = AcquireOnPaymentSucceeded.Decide(pending, codes, Succeeded(pending), Now);

        decision.Changes.ShouldBe(
        [
            new ReservationChanged(pending with { Status = ReservationStatus.Acquired, PaymentStatus = PaymentStatus.Succeeded }, Now),
            new StockMoved(pending.TicketTypeId, -2, 2),
            new TicketsIssued(pending, codes, Now),
        ]);
        decision.Events.Select(e => e.Event).ShouldBe(
            [new TicketsAcquired(pending.Id, pending.UserId, pending.EventId, pending.TicketTypeId, 2, 9_000, "EUR", codes)]);
    }

    [Fact]
    public void Acquiring_needs_one_code_per_ticket() =>
        Should.Throw<ArgumentException>(() => AcquireOnPaymentSucceeded.Decide(Reservation(), ["BO-A"], Succeeded(Reservation()), Now));

    [Fact]
    public void A_success_for_an_acquired_reservation_changes_nothing() =>
        AcquireOnPaymentSucceeded.Decide(Reservation(ReservationStatus.Acquired, PaymentStatus.Succeeded), [], Succeeded(Reservation()), Now)
            .IsEmpty.ShouldBeTrue();

    [Theory]
    [InlineData("Expired")]
    [InlineData("Released")]
    [InlineData("Cancelled")]
    public void A_late_payment_never_revives_a_reservation_its_refund_is_requested_once(string status)
    {
        var ended = Reservation(Enum.Parse<ReservationStatus>(status));
        var succeeded = Succeeded(ended) with { Amount = 9_000 };

        var decision = AcquireOnPaymentSucceeded.Decide(ended, [], succeeded, Now);

        decision.Changes.ShouldBe([new ReservationChanged(ended with { PaymentStatus = PaymentStatus.Succeeded, RefundRequestedAt = Now }, Now)]);
        decision.Events.Select(e => e.Event).ShouldBe([new RefundRequested(ended.Id, ended.UserId, 9_000, "EUR",
            $"The payment arrived after the reservation was {status.ToLowerInvariant()}.")]);
        AcquireOnPaymentSucceeded.Decide(ended with { RefundRequestedAt = Now }, [], succeeded, Now.AddMinutes(1)).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_failure_releases_a_pending_reservation_and_returns_its_tickets()
    {
        var pending = Reservation();

        var decision = ReleaseOnPaymentFailed.Decide(pending, new PaymentFailed(Guid.CreateVersion7(), pending.Id, pending.UserId, "card declined"), Now);

        decision.Changes.ShouldBe(
        [
            new ReservationChanged(pending with { Status = ReservationStatus.Released, PaymentStatus = PaymentStatus.Failed, FailureReason = "card declined" }, Now),
            new StockMoved(pending.TicketTypeId, -2, 0),
        ]);
        decision.Events.Select(e => e.Event).ShouldBe(
            [new TicketsReleased(pending.Id, pending.UserId, pending.EventId, pending.TicketTypeId, 2, ReleaseReason.PaymentFailed, "card declined")]);
    }

    [Theory]
    [InlineData("Expired")]
    [InlineData("Cancelled")]
    [InlineData("Acquired")]
    public void A_failure_after_the_reservation_ended_records_only_the_payments_status(string status)
    {
        var ended = Reservation(Enum.Parse<ReservationStatus>(status));

        var decision = ReleaseOnPaymentFailed.Decide(ended, new PaymentFailed(Guid.CreateVersion7(), ended.Id, ended.UserId, "card declined"), Now);

        decision.Changes.ShouldBe([new ReservationChanged(ended with { PaymentStatus = PaymentStatus.Failed, FailureReason = "card declined" }, Now)]);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void A_challenge_shows_its_link_and_shortens_the_hold_but_never_lengthens_it()
    {
        var url = new Uri("https://gateway.example/challenge/1");
        var longHold = Reservation(expiresAt: Now.AddMinutes(8));
        var shortHold = Reservation(expiresAt: Now.AddMinutes(1));

        ShowChallenge.Decide(longHold, new PaymentRequiresAction(Guid.CreateVersion7(), longHold.Id, longHold.UserId, url), TimeSpan.FromMinutes(3), Now)
            .Changes.ShouldBe([new ReservationChanged(
                longHold with { PaymentStatus = PaymentStatus.RequiresAction, ChallengeUrl = url.ToString(), ExpiresAt = Now.AddMinutes(3) }, Now)]);
        ShowChallenge.Decide(shortHold, new PaymentRequiresAction(Guid.CreateVersion7(), shortHold.Id, shortHold.UserId, url), TimeSpan.FromMinutes(3), Now)
            .Changes.ShouldBe([new ReservationChanged(
                shortHold with { PaymentStatus = PaymentStatus.RequiresAction, ChallengeUrl = url.ToString(), ExpiresAt = Now.AddMinutes(1) }, Now)]);
    }

    [Theory]
    [InlineData("RequiresAction")]
    [InlineData("Succeeded")]
    [InlineData("Failed")]
    public void A_challenge_arriving_after_the_payment_moved_on_changes_nothing(string payment)
    {
        var reservation = Reservation(payment: Enum.Parse<PaymentStatus>(payment));

        ShowChallenge.Decide(reservation, new PaymentRequiresAction(Guid.CreateVersion7(), reservation.Id, reservation.UserId, new Uri("https://g.example/c")),
            TimeSpan.FromMinutes(3), Now).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_refund_is_shown_on_the_reservation()
    {
        var cancelled = Reservation(ReservationStatus.Cancelled, PaymentStatus.Succeeded, refundRequestedAt: Now.AddMinutes(-1));

        ShowRefund.Decide(cancelled, Now).Changes.ShouldBe([new ReservationChanged(cancelled with { PaymentStatus = PaymentStatus.Refunded }, Now)]);
    }

    [Fact]
    public void Ticket_codes_are_unguessable_and_distinct()
    {
        var codes = Enumerable.Range(0, 10_000).Select(_ => TicketCodes.New()).ToList();

        codes.Distinct().Count().ShouldBe(10_000);
        codes.ShouldAllBe(c => System.Text.RegularExpressions.Regex.IsMatch(c, "^BO-[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$"));
    }
}
