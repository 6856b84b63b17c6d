using BoxOffice.Contracts.Tickets;
using BoxOffice.Tickets.Reservations;
using BoxOffice.Tickets.Storage;

namespace BoxOffice.Tickets.Tests.Reservations;

/// <summary>The two other ways a Pending reservation ends: its hold lapses, or its buyer gives it up.</summary>
public sealed class ExpiringAndCancelling
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static Reservation Reservation(ReservationStatus status = ReservationStatus.Pending, DateTimeOffset? expiresAt = null) =>
        new(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), 3, 9_000, "EUR",
            status, PaymentStatus.Processing, null, null, null, expiresAt ?? Now);

    [Fact]
    public void A_lapsed_hold_expires_and_its_tickets_go_back_on_sale()
    {
        var lapsed = Reservation(expiresAt: Now);

        var decision = ExpireHolds.Decide(lapsed, Now);

        decision.Changes.ShouldBe([new ReservationChanged(lapsed with { Status = ReservationStatus.Expired }, Now), new StockMoved(lapsed.TicketTypeId, -3, 0)]);
        decision.Events.Select(e => e.Event).ShouldBe([new TicketsReleased(
            lapsed.Id, lapsed.UserId, lapsed.EventId, lapsed.TicketTypeId, 3, ReleaseReason.Expired, "The hold expired before the payment completed.")]);
    }

    [Theory]
    [InlineData("Pending", 1)] // not due yet
    [InlineData("Acquired", -1)]
    [InlineData("Released", -1)]
    [InlineData("Cancelled", -1)]
    [InlineData("Expired", -1)]
    public void Only_a_pending_hold_past_its_expiry_expires(string status, int minutesToExpiry) =>
        ExpireHolds.Decide(Reservation(Enum.Parse<ReservationStatus>(status), Now.AddMinutes(minutesToExpiry)), Now).IsEmpty.ShouldBeTrue();

    [Fact]
    public void The_buyer_cancels_a_pending_reservation_and_its_tickets_go_back_on_sale()
    {
        var pending = Reservation();

        var verdict = CancelReservation.Decide(accountClosed: false, pending, pending.UserId, Now);

        var cancelled = pending with { Status = ReservationStatus.Cancelled };
        verdict.Result.ShouldBe(new CancelOutcome.Cancelled(cancelled));
        verdict.Decision.Changes.ShouldBe([new ReservationChanged(cancelled, Now), new StockMoved(pending.TicketTypeId, -3, 0)]);
        verdict.Decision.Events.Select(e => e.Event).ShouldBe([new TicketsReleased(
            pending.Id, pending.UserId, pending.EventId, pending.TicketTypeId, 3, ReleaseReason.Cancelled, "Cancelled by the buyer.")]);
        verdict.CorrelationId.ShouldBe(pending.Id);
    }

    [Fact]
    public void A_closed_accounts_token_cancels_nothing()
    {
        var pending = Reservation();

        var verdict = CancelReservation.Decide(accountClosed: true, pending, pending.UserId, Now);

        verdict.Result.ShouldBeOfType<CancelOutcome.AccountClosed>();
        verdict.Decision.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Someone_elses_reservation_is_as_unknown_as_a_missing_one()
    {
        var pending = Reservation();

        CancelReservation.Decide(false, pending, Guid.CreateVersion7(), Now).Result.ShouldBeOfType<CancelOutcome.NotFound>();
        CancelReservation.Decide(false, null, pending.UserId, Now).Result.ShouldBeOfType<CancelOutcome.NotFound>();
    }

    [Theory]
    [InlineData("Acquired")]
    [InlineData("Released")]
    [InlineData("Expired")]
    [InlineData("Cancelled")]
    public void Only_a_pending_reservation_can_be_cancelled(string status)
    {
        var ended = Reservation(Enum.Parse<ReservationStatus>(status));

        var verdict = CancelReservation.Decide(false, ended, ended.UserId, Now);

        verdict.Result.ShouldBe(new CancelOutcome.NotCancellable(ended.Status));
        verdict.Decision.IsEmpty.ShouldBeTrue();
    }
}
