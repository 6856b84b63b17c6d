using BoxOffice.Tickets.Outcomes;
using BoxOffice.Tickets.Reservations;

namespace BoxOffice.Tickets.Tests.Reservations;

public sealed class DecidingReservations
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset EventDay = new(2026, 12, 24, 20, 0, 0, TimeSpan.Zero);
    private static readonly HoldLimits Limits = new(MaxPendingPerEvent: 1, MaxTicketsPerEvent: 10);
    private static readonly BuyerHolds Nothing = new(0, 0);
    private static readonly DateOnly Adult = new(1990, 1, 1);

    private static TicketTypeState Type(
        int capacity = 100, int held = 0, int sold = 0, int maxPerOrder = 6, int minimumAge = 0, DateTimeOffset? startsAt = null, long price = 5_000) =>
        new(Guid.NewGuid(), Guid.NewGuid(), price, "EUR", capacity, held, sold, maxPerOrder, startsAt ?? EventDay, minimumAge);

    [Fact]
    public void A_total_that_would_overflow_or_go_negative_is_refused_not_wrapped()
    {
        // Stored types that bypassed the catalog's bounds.
        ReservationRules.CheckReserve(Type(price: 1L << 62), 2, Adult, Nothing, Limits, Now).ShouldBe(Refusal.AmountOutOfRange);
        ReservationRules.CheckReserve(Type(price: long.MaxValue), 2, Adult, Nothing, Limits, Now).ShouldBe(Refusal.AmountOutOfRange);
        ReservationRules.CheckReserve(Type(price: -1), 1, Adult, Nothing, Limits, Now).ShouldBe(Refusal.AmountOutOfRange);
        ReservationRules.CheckReserve(Type(price: long.MaxValue), 1, Adult, Nothing, Limits, Now).ShouldBeNull();
        ReservationRules.Amount(100_000_000, 100).ShouldBe(10_000_000_000);
    }

    [Fact]
    public void A_request_within_every_limit_is_accepted() =>
        ReservationRules.CheckReserve(Type(), 2, Adult, Nothing, Limits, Now).ShouldBeNull();

    [Fact]
    public void An_unknown_ticket_type_is_refused() =>
        ReservationRules.CheckReserve(null, 2, Adult, Nothing, Limits, Now).ShouldBe(Refusal.UnknownTicketType);

    [Fact]
    public void More_than_the_max_per_order_is_refused() =>
        ReservationRules.CheckReserve(Type(maxPerOrder: 4), 5, Adult, Nothing, Limits, Now).ShouldBe(Refusal.QuantityAboveMaxPerOrder);

    [Fact]
    public void Sales_close_when_the_event_starts()
    {
        ReservationRules.CheckReserve(Type(startsAt: Now), 1, Adult, Nothing, Limits, Now).ShouldBe(Refusal.SalesClosed);
        ReservationRules.CheckReserve(Type(startsAt: Now.AddMinutes(1)), 1, Adult, Nothing, Limits, Now).ShouldBeNull();
    }

    [Fact]
    public void Fewer_left_than_asked_is_sold_out_with_no_partial_hold()
    {
        ReservationRules.CheckReserve(Type(capacity: 10, held: 6, sold: 2), 3, Adult, Nothing, Limits, Now).ShouldBe(Refusal.SoldOut);
        ReservationRules.CheckReserve(Type(capacity: 10, held: 6, sold: 2), 2, Adult, Nothing, Limits, Now).ShouldBeNull();
    }

    [Fact]
    public void A_second_pending_reservation_for_the_event_is_refused_as_pending_reservation_exists() =>
        ReservationRules.CheckReserve(Type(), 1, Adult, new BuyerHolds(1, 2), Limits, Now).ShouldBe(Refusal.PendingReservationExists);

    [Fact]
    public void Passing_ten_tickets_per_event_counting_pending_and_acquired_is_refused_as_ticket_limit()
    {
        ReservationRules.CheckReserve(Type(), 3, Adult, new BuyerHolds(0, 8), Limits, Now).ShouldBe(Refusal.TicketLimit);
        ReservationRules.CheckReserve(Type(), 2, Adult, new BuyerHolds(0, 8), Limits, Now).ShouldBeNull();
    }

    [Fact]
    public void A_pending_reservation_is_named_before_the_ticket_limit_when_both_apply() =>
        ReservationRules.CheckReserve(Type(), 5, Adult, new BuyerHolds(1, 8), Limits, Now).ShouldBe(Refusal.PendingReservationExists);

    [Theory]
    [InlineData("2008-12-24", true)]  // 18 on the event's day
    [InlineData("2008-12-25", false)] // 18 the day after
    [InlineData(null, false)]         // no birth date: cannot show the age
    public void Age_is_checked_on_the_event_date(string? birthDate, bool admitted)
    {
        var born = birthDate is null ? (DateOnly?)null : DateOnly.Parse(birthDate, System.Globalization.CultureInfo.InvariantCulture);
        var refusal = ReservationRules.CheckReserve(Type(minimumAge: 18), 1, born, Nothing, Limits, Now);
        (refusal is null).ShouldBe(admitted);
        if (!admitted)
        {
            refusal.ShouldBe(Refusal.AgeRestricted);
        }
    }

    [Fact]
    public void Events_without_a_minimum_age_admit_anyone() =>
        ReservationRules.CheckReserve(Type(minimumAge: 0), 1, birthDate: null, Nothing, Limits, Now).ShouldBeNull();

    [Theory]
    [InlineData("Pending", false, "Acquire")]
    [InlineData("Acquired", false, "Ignore")]
    [InlineData("Expired", false, "RequestRefund")]
    [InlineData("Released", false, "RequestRefund")]
    [InlineData("Cancelled", false, "RequestRefund")]
    [InlineData("Cancelled", true, "Ignore")]
    public void A_late_payment_never_revives_a_reservation_it_is_refunded_once(string status, bool refundRequested, string expected) =>
        ReservationRules.OnPaymentSucceeded(Enum.Parse<ReservationStatus>(status), refundRequested).ShouldBe(Enum.Parse<SucceededAction>(expected));

    [Theory]
    [InlineData("Pending", true)]
    [InlineData("Acquired", false)]
    [InlineData("Released", false)]
    [InlineData("Expired", false)]
    [InlineData("Cancelled", false)]
    public void Only_pending_reservations_are_released_expired_or_cancelled(string status, bool can) =>
        ReservationRules.CanRelease(Enum.Parse<ReservationStatus>(status)).ShouldBe(can);

    [Fact]
    public void Ticket_codes_are_unguessable_and_distinct()
    {
        var codes = Enumerable.Range(0, 10_000).Select(_ => TicketCodes.New()).ToList();

        codes.Distinct().Count().ShouldBe(10_000);
        codes.ShouldAllBe(c => System.Text.RegularExpressions.Regex.IsMatch(c, "^BO-[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$"));
    }
}
