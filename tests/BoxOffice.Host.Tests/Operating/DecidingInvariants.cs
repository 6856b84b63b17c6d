using BoxOffice.Host.Invariants;

namespace BoxOffice.Host.Tests.Operating;

/// <summary>
/// The invariants decided on facts made by hand (pure, no host): each break the running system
/// cannot be made to show without tampering with money, named with its id.
/// </summary>
public sealed class DecidingInvariants
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Type = Guid.Parse("0000000a-0000-0000-0000-000000000000");
    private static readonly Guid Buyer = Guid.Parse("0000000b-0000-0000-0000-000000000000");

    [Fact]
    public void A_second_charge_a_charge_kept_without_tickets_and_a_hold_left_pending_are_each_named()
    {
        var paidTwice = Guid.Parse("00000001-0000-0000-0000-000000000000");
        var releasedCharged = Guid.Parse("00000002-0000-0000-0000-000000000000");
        var stuck = Guid.Parse("00000003-0000-0000-0000-000000000000");
        var facts = Facts(
            [new TicketTypeFact(Type, 10, 1, 2, 1, 2)],
            [
                new ReservationFact(paidTwice, Buyer, "Acquired", 2, 9000, Now.AddMinutes(-20), 2),
                new ReservationFact(releasedCharged, Buyer, "Released", 1, 4500, Now.AddMinutes(-20), 0),
                new ReservationFact(stuck, Buyer, "Pending", 1, 4500, Now.AddSeconds(-61), 0),
            ],
            [new LedgerFact("charge", paidTwice, 9000), new LedgerFact("charge", paidTwice, 9000), new LedgerFact("charge", releasedCharged, 4500)],
            told: [new ToldFact(paidTwice, 1, 1)],
            points: [new PointsFact(Buyer, paidTwice, "earned", 90)],
            balances: new Dictionary<Guid, long> { [Buyer] = 90 },
            purchases: [paidTwice]);

        var report = InvariantRules.Decide(facts, Now, TimeSpan.FromSeconds(60));

        report.Holds.ShouldBeFalse();
        Broken(report).ShouldBe(
        [
            $"never-charged-twice: {paidTwice}: 2 charges",
            $"acquired-paid-once: {paidTwice}: 2 charges (9000, 9000) of 9000, 0 refunds",
            $"money-back-without-tickets: {releasedCharged}: Released, charged 4500, 0 refunds",
            $"final-after-hold: {stuck}: Pending, hold ended {Now.AddSeconds(-61):O}",
        ]);
    }

    [Fact]
    public void Points_without_a_purchase_a_balance_off_its_history_and_a_purchase_recommendations_never_saw_are_each_named()
    {
        var bought = Guid.Parse("00000001-0000-0000-0000-000000000000");
        var released = Guid.Parse("00000002-0000-0000-0000-000000000000");
        var facts = Facts(
            [new TicketTypeFact(Type, 10, 0, 1, 0, 1)],
            [new ReservationFact(bought, Buyer, "Acquired", 1, 4500, Now, 1), new ReservationFact(released, Buyer, "Released", 1, 4500, Now, 0)],
            [new LedgerFact("charge", bought, 4500)],
            told: [new ToldFact(bought, 1, 1)],
            points: [new PointsFact(Buyer, bought, "earned", 45), new PointsFact(Buyer, released, "earned", 45)],
            balances: new Dictionary<Guid, long> { [Buyer] = 100 },
            purchases: [released]);

        var report = InvariantRules.Decide(facts, Now, TimeSpan.FromSeconds(60));

        Broken(report).ShouldBe(
        [
            $"points-match-purchases: {released}: earned 45 without being Acquired",
            $"points-match-purchases: user {Buyer}: balance 100, history 90",
            $"recommendations-see-purchases: {bought}: Acquired, not a purchase",
            $"recommendations-see-purchases: {released}: a purchase, not Acquired",
        ]);
    }

    [Fact]
    public void A_purchase_told_twice_or_never_is_named_and_a_refunded_release_holds()
    {
        var toldTwice = Guid.Parse("00000001-0000-0000-0000-000000000000");
        var untold = Guid.Parse("00000002-0000-0000-0000-000000000000");
        var refunded = Guid.Parse("00000003-0000-0000-0000-000000000000");
        var facts = Facts(
            [new TicketTypeFact(Type, 10, 0, 2, 0, 2)],
            [
                new ReservationFact(toldTwice, Buyer, "Acquired", 1, 4500, Now, 1),
                new ReservationFact(untold, Buyer, "Acquired", 1, 4500, Now, 1),
                new ReservationFact(refunded, Buyer, "Expired", 1, 4500, Now, 0),
            ],
            [new LedgerFact("charge", toldTwice, 4500), new LedgerFact("charge", untold, 4500), new LedgerFact("charge", refunded, 4500), new LedgerFact("refund", refunded, 4500)],
            told: [new ToldFact(toldTwice, 1, 2)],
            points: [],
            balances: new Dictionary<Guid, long>(),
            purchases: [toldTwice, untold]);

        var report = InvariantRules.Decide(facts, Now, TimeSpan.FromSeconds(60));

        Broken(report).ShouldBe(
        [
            $"told-once: {toldTwice}: 1 feed entries, 2 e-mails",
            $"told-once: {untold}: not told",
        ]);
    }

    private static InvariantFacts Facts(
        TicketTypeFact[] types, ReservationFact[] reservations, LedgerFact[] ledger, ToldFact[] told, PointsFact[] points,
        Dictionary<Guid, long> balances, Guid[] purchases) =>
        new(types, reservations, ledger, told, points, balances, purchases.ToHashSet());

    /// <summary>Each broken invariant's offending ids, as "name: offending" lines in the report's order.</summary>
    private static List<string> Broken(InvariantReport report) =>
        report.Invariants.Where(i => !i.Holds).SelectMany(i => i.Offending.Select(o => $"{i.Name}: {o}")).ToList();
}
