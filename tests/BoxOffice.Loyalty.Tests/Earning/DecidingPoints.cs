using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Loyalty.Earning;
using BoxOffice.Loyalty.Storage;

namespace BoxOffice.Loyalty.Tests.Earning;

/// <summary>The pure decisions of earning and revoking points: no host, no database.</summary>
public sealed class DecidingPoints
{
    private static readonly DateTimeOffset Bought = new(2031, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset RefundedAt = Bought.AddHours(1);
    private static readonly Guid User = Guid.CreateVersion7();
    private static readonly Guid Reservation = Guid.CreateVersion7();

    private static readonly TicketsAcquired Acquired = new(Reservation, User, Guid.CreateVersion7(), Guid.CreateVersion7(), 2, 4_550, "EUR", ["A", "B"]);
    private static readonly PaymentRefunded Refunded = new(Guid.CreateVersion7(), Reservation, User, 4_550, "EUR");

    [Fact]
    public void A_purchase_earns_a_point_per_whole_unit_paid_dated_when_it_happened()
    {
        var decision = EarnOnTicketsAcquired.Decide(ReservationPoints.None, Acquired, Bought);

        decision.Events.ShouldBeEmpty();
        decision.Changes.ShouldBe([new LoyaltyChange.PointsEarned(User, Reservation, 45, "2 ticket(s), 45.50 EUR", Bought)]);
    }

    [Fact]
    public void A_purchase_that_earned_already_earns_nothing_more()
    {
        EarnOnTicketsAcquired.Decide(new ReservationPoints(false, 45), Acquired, Bought).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_purchase_whose_refund_was_seen_first_earns_nothing()
    {
        EarnOnTicketsAcquired.Decide(new ReservationPoints(true, null), Acquired, Bought).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_purchase_worth_less_than_a_whole_unit_earns_nothing()
    {
        EarnOnTicketsAcquired.Decide(ReservationPoints.None, Acquired with { Amount = 99 }, Bought).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_refund_revokes_the_points_the_purchase_earned_and_is_remembered()
    {
        var decision = RevokeOnPaymentRefunded.Decide(new ReservationPoints(false, 45), Refunded, RefundedAt);

        decision.Events.ShouldBeEmpty();
        decision.Changes.ShouldBe([
            new LoyaltyChange.RefundSeen(Reservation),
            new LoyaltyChange.PointsRevoked(User, Reservation, 45, "payment refunded", RefundedAt),
        ]);
    }

    [Fact]
    public void A_refund_seen_before_the_purchase_is_only_remembered()
    {
        RevokeOnPaymentRefunded.Decide(ReservationPoints.None, Refunded, RefundedAt).Changes.ShouldBe([new LoyaltyChange.RefundSeen(Reservation)]);
    }

    [Fact]
    public void A_refund_seen_again_revokes_nothing_more()
    {
        RevokeOnPaymentRefunded.Decide(new ReservationPoints(true, 45), Refunded, RefundedAt).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Applied_in_either_order_a_refunded_purchase_ends_with_no_points()
    {
        // Purchase first: earned, then revoked.
        var earned = EarnOnTicketsAcquired.Decide(ReservationPoints.None, Acquired, Bought).Changes.OfType<LoyaltyChange.PointsEarned>().Single().Points;
        var revoked = RevokeOnPaymentRefunded.Decide(new ReservationPoints(false, earned), Refunded, RefundedAt).Changes.OfType<LoyaltyChange.PointsRevoked>().Single().Points;
        (earned - revoked).ShouldBe(0);

        // Refund first: remembered, and the purchase then earns nothing.
        RevokeOnPaymentRefunded.Decide(ReservationPoints.None, Refunded, RefundedAt).Changes.ShouldNotContain(c => c is LoyaltyChange.PointsRevoked);
        EarnOnTicketsAcquired.Decide(new ReservationPoints(true, null), Acquired, Bought).IsEmpty.ShouldBeTrue();
    }
}
