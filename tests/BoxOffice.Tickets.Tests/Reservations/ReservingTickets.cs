using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.GroupCommit;
using BoxOffice.Tickets.Reservations;
using BoxOffice.Tickets.Storage;

namespace BoxOffice.Tickets.Tests.Reservations;

/// <summary>The reserve decider, with no host and no database: each refusal, acceptance, and batches sharing stock.</summary>
public sealed class ReservingTickets
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset EventDay = new(2026, 12, 24, 20, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(10);
    private static readonly HoldLimits Limits = new(MaxPendingPerEvent: 1, MaxTicketsPerEvent: 10);
    private static readonly DateOnly Adult = new(1990, 1, 1);
    private static readonly Guid Buyer = Guid.CreateVersion7();

    private static TicketTypeState Type(
        int capacity = 100, int held = 0, int sold = 0, int maxPerOrder = 6, int minimumAge = 0, DateTimeOffset? startsAt = null, long price = 5_000) =>
        new(Guid.NewGuid(), Guid.NewGuid(), price, "EUR", capacity, held, sold, maxPerOrder, startsAt ?? EventDay, minimumAge);

    private static ReserveState State(TicketTypeState? type = null, BuyerHolds? holds = null, HoldLimits? limits = null)
    {
        var state = ReserveState.Empty(limits ?? Limits, Hold);
        if (type is not null)
        {
            state = state with { TicketTypes = state.TicketTypes.SetItem(type.Id, type) };
            if (holds is not null)
            {
                state = state with { Holds = state.Holds.SetItem((Buyer, type.EventId), holds) };
            }
        }

        return state;
    }

    private static ReserveRequest Request(TicketTypeState? type, int quantity = 1, Guid? buyer = null, DateOnly? born = null, string? key = null, string? hash = null) =>
        new(Guid.CreateVersion7(), buyer ?? Buyer, born ?? Adult, type?.Id ?? Guid.NewGuid(), quantity, "sealed-token", key, hash);

    private static Refusal? RefusalOf(ReserveState state, ReserveRequest request) =>
        ReserveTickets.Decide(state, request, Now).Result switch
        {
            ReserveOutcome.Refused refused => refused.Why,
            ReserveOutcome.Accepted => null,
            var other => throw new InvalidOperationException($"Neither accepted nor refused: {other}"),
        };

    /// <summary>Decides requests in turn as the group commit does: each on the state the earlier ones left.</summary>
    private static (List<Verdict<TicketsChange, ReserveOutcome>> Verdicts, ReserveState State) InOneBatch(ReserveState state, params ReserveRequest[] requests)
    {
        var verdicts = new List<Verdict<TicketsChange, ReserveOutcome>>();
        foreach (var request in requests)
        {
            var verdict = ReserveTickets.Decide(state, request, Now);
            state = verdict.Decision.Changes.Aggregate(state, ReserveTickets.Evolve);
            verdicts.Add(verdict);
        }

        return (verdicts, state);
    }

    [Fact]
    public void A_request_within_every_limit_is_held_as_pending_and_announced_with_its_sealed_token()
    {
        var type = Type(price: 5_000);
        var request = Request(type, quantity: 2);

        var verdict = ReserveTickets.Decide(State(type), request, Now);

        var expiresAt = Now + Hold;
        verdict.Result.ShouldBe(new ReserveOutcome.Accepted(request.ReservationId, ReservationStatus.Pending, expiresAt));
        verdict.Decision.Changes.ShouldBe(
        [
            new ReservationCreated(
                new Reservation(request.ReservationId, Buyer, type.EventId, type.Id, 2, 10_000, "EUR", ReservationStatus.Pending, PaymentStatus.Processing,
                    null, null, null, expiresAt),
                null, null, Now),
            new StockMoved(type.Id, 2, 0),
        ]);
        verdict.Decision.Events.Select(e => e.Event).ShouldBe(
            [new TicketsHeld(request.ReservationId, Buyer, type.EventId, type.Id, 2, 10_000, "EUR", "sealed-token", expiresAt)]);
        verdict.CorrelationId.ShouldBe(request.ReservationId);
    }

    [Fact]
    public void An_unknown_ticket_type_is_refused() =>
        RefusalOf(State(), Request(null)).ShouldBe(Refusal.UnknownTicketType);

    [Fact]
    public void More_than_the_max_per_order_is_refused()
    {
        var type = Type(maxPerOrder: 4);
        RefusalOf(State(type), Request(type, 5)).ShouldBe(Refusal.QuantityAboveMaxPerOrder);
        RefusalOf(State(type), Request(type, 4)).ShouldBeNull();
    }

    [Fact]
    public void A_total_that_would_overflow_or_go_negative_is_refused_not_wrapped()
    {
        // Stored types that bypassed the catalog's bounds.
        foreach (var (price, quantity) in new[] { (1L << 62, 2), (long.MaxValue, 2), (-1L, 1) })
        {
            var type = Type(price: price);
            RefusalOf(State(type), Request(type, quantity)).ShouldBe(Refusal.AmountOutOfRange);
        }

        var dearest = Type(price: long.MaxValue);
        RefusalOf(State(dearest), Request(dearest, 1)).ShouldBeNull();
        ReserveTickets.Amount(100_000_000, 100).ShouldBe(10_000_000_000);
    }

    [Fact]
    public void Sales_close_when_the_event_starts()
    {
        var starting = Type(startsAt: Now);
        RefusalOf(State(starting), Request(starting)).ShouldBe(Refusal.SalesClosed);
        var soon = Type(startsAt: Now.AddMinutes(1));
        RefusalOf(State(soon), Request(soon)).ShouldBeNull();
    }

    [Theory]
    [InlineData("2008-12-24", true)]  // 18 on the event's day
    [InlineData("2008-12-25", false)] // 18 the day after
    [InlineData(null, false)]         // no birth date: cannot show the age
    public void Age_is_checked_on_the_event_date(string? birthDate, bool admitted)
    {
        var type = Type(minimumAge: 18);
        var request = Request(type) with { BirthDate = birthDate is null ? null : DateOnly.Parse(birthDate, System.Globalization.CultureInfo.InvariantCulture) };

        RefusalOf(State(type), request).ShouldBe(admitted ? null : Refusal.AgeRestricted);
    }

    [Fact]
    public void Events_without_a_minimum_age_admit_anyone()
    {
        var type = Type(minimumAge: 0);
        RefusalOf(State(type), Request(type) with { BirthDate = null }).ShouldBeNull();
    }

    [Fact]
    public void Fewer_left_than_asked_is_sold_out_with_no_partial_hold()
    {
        var type = Type(capacity: 10, held: 6, sold: 2);

        var verdict = ReserveTickets.Decide(State(type), Request(type, 3), Now);

        verdict.Result.ShouldBeOfType<ReserveOutcome.Refused>().Why.ShouldBe(Refusal.SoldOut);
        verdict.Decision.IsEmpty.ShouldBeTrue();
        RefusalOf(State(type), Request(type, 2)).ShouldBeNull();
    }

    [Fact]
    public void A_second_pending_reservation_for_the_event_is_refused_naming_the_first()
    {
        var type = Type();
        var pending = Guid.CreateVersion7();

        var refused = ReserveTickets.Decide(State(type, new BuyerHolds(1, 2, pending)), Request(type), Now).Result.ShouldBeOfType<ReserveOutcome.Refused>();

        refused.Why.ShouldBe(Refusal.PendingReservationExists);
        refused.Holds!.LatestPending.ShouldBe(pending);
    }

    [Fact]
    public void Passing_ten_tickets_per_event_counting_pending_and_acquired_is_refused_as_ticket_limit()
    {
        var type = Type();
        RefusalOf(State(type, new BuyerHolds(0, 8)), Request(type, 3)).ShouldBe(Refusal.TicketLimit);
        RefusalOf(State(type, new BuyerHolds(0, 8)), Request(type, 2)).ShouldBeNull();
    }

    [Fact]
    public void A_pending_reservation_is_named_before_the_ticket_limit_when_both_apply()
    {
        var type = Type();
        RefusalOf(State(type, new BuyerHolds(1, 8)), Request(type, 5)).ShouldBe(Refusal.PendingReservationExists);
    }

    [Fact]
    public void A_closed_account_is_refused_before_anything_else_even_a_replayed_key()
    {
        var type = Type();
        var state = State(type);
        state = state with
        {
            ClosedAccounts = state.ClosedAccounts.Add(Buyer),
            Keyed = state.Keyed.SetItem((Buyer, "k1"), new KeyedReservation(Guid.CreateVersion7(), "h1", ReservationStatus.Pending, Now)),
        };

        var verdict = ReserveTickets.Decide(state, Request(type, key: "k1", hash: "h1"), Now);

        verdict.Result.ShouldBeOfType<ReserveOutcome.Refused>().Why.ShouldBe(Refusal.AccountClosed);
        verdict.Decision.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_replayed_key_answers_with_its_reservation_and_the_same_key_with_another_body_is_refused()
    {
        var type = Type();
        var earlier = new KeyedReservation(Guid.CreateVersion7(), "h1", ReservationStatus.Acquired, Now.AddMinutes(-5));
        var state = State(type) with { Keyed = State(type).Keyed.SetItem((Buyer, "k1"), earlier) };

        var replay = ReserveTickets.Decide(state, Request(type, key: "k1", hash: "h1"), Now);
        var otherBody = ReserveTickets.Decide(state, Request(type, key: "k1", hash: "h2"), Now);
        var otherBuyer = ReserveTickets.Decide(state, Request(type, buyer: Guid.CreateVersion7(), key: "k1", hash: "h1"), Now);

        replay.Result.ShouldBe(new ReserveOutcome.Accepted(earlier.Id, ReservationStatus.Acquired, earlier.ExpiresAt));
        replay.Decision.IsEmpty.ShouldBeTrue();
        otherBody.Result.ShouldBeOfType<ReserveOutcome.KeyReused>();
        otherBody.Decision.IsEmpty.ShouldBeTrue();
        otherBuyer.Result.ShouldBeOfType<ReserveOutcome.Accepted>().Id.ShouldNotBe(earlier.Id);
    }

    [Fact]
    public void Requests_in_one_batch_share_the_stock_each_decided_on_what_the_earlier_ones_left()
    {
        var type = Type(capacity: 10, held: 3, sold: 2, maxPerOrder: 6);
        var buyers = Enumerable.Range(0, 4).Select(_ => Guid.CreateVersion7()).ToList();

        var (verdicts, after) = InOneBatch(State(type),
            Request(type, 2, buyers[0]), Request(type, 2, buyers[1]), Request(type, 2, buyers[2]), Request(type, 1, buyers[3]));

        verdicts.Select(v => v.Result switch { ReserveOutcome.Accepted => "accepted", ReserveOutcome.Refused r => r.Why.ToString(), _ => "?" })
            .ShouldBe(["accepted", "accepted", "SoldOut", "accepted"]);
        // The refusal tells the stock as the earlier requests of the batch left it.
        verdicts[2].Result.ShouldBeOfType<ReserveOutcome.Refused>().Type!.Available.ShouldBe(1);
        after.TicketTypes[type.Id].Available.ShouldBe(0);
        verdicts.SelectMany(v => v.Decision.Changes).OfType<StockMoved>().Sum(m => m.Held).ShouldBe(5);
    }

    [Fact]
    public void A_buyers_second_request_in_the_same_batch_meets_the_pending_limit_and_is_pointed_at_the_first()
    {
        var type = Type();
        var first = Request(type, 2);

        var (verdicts, _) = InOneBatch(State(type), first, Request(type, 1));

        verdicts[0].Result.ShouldBeOfType<ReserveOutcome.Accepted>();
        var refused = verdicts[1].Result.ShouldBeOfType<ReserveOutcome.Refused>();
        refused.Why.ShouldBe(Refusal.PendingReservationExists);
        refused.Holds.ShouldBe(new BuyerHolds(1, 2, first.ReservationId));
    }

    [Fact]
    public void The_ticket_limit_counts_what_earlier_requests_of_the_batch_held()
    {
        var type = Type(maxPerOrder: 6);
        var limits = new HoldLimits(MaxPendingPerEvent: 5, MaxTicketsPerEvent: 10);

        var (verdicts, _) = InOneBatch(State(type, new BuyerHolds(0, 1), limits), Request(type, 6), Request(type, 4), Request(type, 3));

        verdicts[0].Result.ShouldBeOfType<ReserveOutcome.Accepted>();
        verdicts[1].Result.ShouldBeOfType<ReserveOutcome.Refused>().Why.ShouldBe(Refusal.TicketLimit);
        verdicts[2].Result.ShouldBeOfType<ReserveOutcome.Accepted>();
    }

    [Fact]
    public void A_key_retried_within_one_batch_answers_with_the_reservation_the_first_request_made()
    {
        var type = Type();
        var first = Request(type, 2, key: "k1", hash: "h1");

        var (verdicts, after) = InOneBatch(State(type), first, Request(type, 2, key: "k1", hash: "h1"), Request(type, 3, key: "k1", hash: "h2"));

        verdicts[0].Result.ShouldBe(new ReserveOutcome.Accepted(first.ReservationId, ReservationStatus.Pending, Now + Hold));
        verdicts[1].Result.ShouldBe(new ReserveOutcome.Accepted(first.ReservationId, ReservationStatus.Pending, Now + Hold));
        verdicts[1].Decision.IsEmpty.ShouldBeTrue();
        verdicts[2].Result.ShouldBeOfType<ReserveOutcome.KeyReused>();
        after.TicketTypes[type.Id].Held.ShouldBe(2);
        verdicts[0].Decision.Changes[0].ShouldBeOfType<ReservationCreated>().IdempotencyKey.ShouldBe("k1");
    }
}
