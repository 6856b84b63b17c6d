namespace BoxOffice.Host.Invariants;

/// <summary>A ticket type's counters and what its reservations say they should be.</summary>
internal sealed record TicketTypeFact(Guid Id, int Capacity, int Held, int Sold, int PendingQuantity, int AcquiredQuantity);

/// <summary>A reservation as Tickets stores it, with the number of ticket codes issued for it.</summary>
internal sealed record ReservationFact(Guid Id, Guid UserId, string Status, int Quantity, long Amount, DateTimeOffset ExpiresAt, int Codes);

/// <summary>A charge or refund in the payment gateway's ledger (the third party's own record of money moved).</summary>
internal sealed record LedgerFact(string Kind, Guid? ReservationId, long Amount);

/// <summary>What Notifications recorded for a reservation's "tickets acquired": feed entries and the e-mails made of them.</summary>
internal sealed record ToldFact(Guid ReservationId, int FeedEntries, int Mails);

/// <summary>A line of a buyer's points history (revocations are negative).</summary>
internal sealed record PointsFact(Guid UserId, Guid ReservationId, string Kind, long Points);

/// <summary>Everything the invariants are decided on, read from every service and the gateway.</summary>
internal sealed record InvariantFacts(
    IReadOnlyList<TicketTypeFact> TicketTypes,
    IReadOnlyList<ReservationFact> Reservations,
    IReadOnlyList<LedgerFact> Ledger,
    IReadOnlyList<ToldFact> Told,
    IReadOnlyList<PointsFact> PointsHistory,
    IReadOnlyDictionary<Guid, long> Balances,
    IReadOnlySet<Guid> Purchases);

/// <summary>One invariant: its name, the rule in words, and the ids that break it (none when it holds).</summary>
internal sealed record InvariantResult(string Name, string Rule, bool Holds, IReadOnlyList<string> Offending);

/// <summary>The answer of <c>GET /api/admin/invariants</c>.</summary>
internal sealed record InvariantReport(DateTimeOffset CheckedAt, bool Holds, IReadOnlyList<InvariantResult> Invariants);

/// <summary>
/// The system's promises, checked against what every service stored and the gateway's ledger: no
/// oversold ticket type, one charge per purchase, never two, codes for exactly what was bought, a
/// refund for money taken without tickets, no reservation left Pending past its hold, the buyer told
/// once, points and recommendations that match the purchases. Pure: the facts are read elsewhere.
/// The downstream ones (told, points, recommendations) hold once the consumers have caught up.
/// </summary>
internal static class InvariantRules
{
    /// <summary>At most this many offending ids are listed per invariant (the count is in the rule's result).</summary>
    public const int MaxListed = 100;

    public static InvariantReport Decide(InvariantFacts facts, DateTimeOffset now, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var acquired = facts.Reservations.Where(r => r.Status == "Acquired").ToList();
        var charges = facts.Ledger.Where(l => l.Kind == "charge" && l.ReservationId is not null).ToLookup(l => l.ReservationId!.Value);
        var refunds = facts.Ledger.Where(l => l.Kind == "refund" && l.ReservationId is not null).ToLookup(l => l.ReservationId!.Value);
        var told = facts.Told.ToDictionary(t => t.ReservationId);
        var earned = facts.PointsHistory.Where(p => p.Kind == "earned").ToLookup(p => p.ReservationId);
        var acquiredIds = acquired.Select(r => r.Id).ToHashSet();
        var history = facts.PointsHistory.GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => g.Sum(p => p.Points));

        InvariantResult[] results =
        [
            Check("stock", "held + sold <= capacity for every ticket type; held is the Pending reservations' tickets and sold the Acquired ones'",
                facts.TicketTypes.Where(t => t.Held + t.Sold > t.Capacity || t.Held != t.PendingQuantity || t.Sold != t.AcquiredQuantity)
                    .Select(t => $"{t.Id}: capacity {t.Capacity}, held {t.Held} (Pending {t.PendingQuantity}), sold {t.Sold} (Acquired {t.AcquiredQuantity})")),
            Check("never-charged-twice", "no reservation has more than one charge in the gateway's ledger",
                charges.Where(c => c.Count() > 1).Select(c => $"{c.Key}: {c.Count()} charges")),
            Check("acquired-paid-once", "every Acquired reservation has exactly one charge of its amount and no refund",
                acquired.Where(r => charges[r.Id].Count() != 1 || charges[r.Id].Single().Amount != r.Amount || refunds[r.Id].Any())
                    .Select(r => $"{r.Id}: {charges[r.Id].Count()} charges ({string.Join(", ", charges[r.Id].Select(c => c.Amount))}) of {r.Amount}, {refunds[r.Id].Count()} refunds")),
            Check("codes-for-what-was-bought", "an Acquired reservation has exactly its quantity of ticket codes, any other none",
                facts.Reservations.Where(r => r.Codes != (r.Status == "Acquired" ? r.Quantity : 0))
                    .Select(r => $"{r.Id}: {r.Status}, quantity {r.Quantity}, {r.Codes} codes")),
            Check("money-back-without-tickets", "a Released, Expired or Cancelled reservation that was charged has exactly one refund of the charge",
                facts.Reservations.Where(r => r.Status is "Released" or "Expired" or "Cancelled" && charges[r.Id].Any()
                        && (refunds[r.Id].Count() != 1 || refunds[r.Id].Single().Amount != charges[r.Id].First().Amount))
                    .Select(r => $"{r.Id}: {r.Status}, charged {charges[r.Id].First().Amount}, {refunds[r.Id].Count()} refunds")),
            Check("final-after-hold", $"no reservation is Pending more than {grace.TotalSeconds:0} s past its hold",
                facts.Reservations.Where(r => r.Status == "Pending" && r.ExpiresAt + grace < now)
                    .Select(r => $"{r.Id}: Pending, hold ended {r.ExpiresAt:O}")),
            Check("told-once", "every Acquired reservation has exactly one \"tickets acquired\" feed entry and one e-mail of it",
                acquired.Where(r => !told.TryGetValue(r.Id, out var t) || t.FeedEntries != 1 || t.Mails != 1)
                    .Select(r => told.TryGetValue(r.Id, out var t) ? $"{r.Id}: {t.FeedEntries} feed entries, {t.Mails} e-mails" : $"{r.Id}: not told")),
            Check("points-match-purchases", "points are earned at most once and only for Acquired reservations, and each buyer's balance is the sum of their history",
                facts.PointsHistory.Where(p => p.Kind == "earned" && !acquiredIds.Contains(p.ReservationId)).Select(p => $"{p.ReservationId}: earned {p.Points} without being Acquired")
                    .Concat(earned.Where(e => e.Count() > 1).Select(e => $"{e.Key}: earned {e.Count()} times"))
                    .Concat(history.Keys.Union(facts.Balances.Keys)
                        .Where(user => facts.Balances.GetValueOrDefault(user) != history.GetValueOrDefault(user))
                        .Select(user => $"user {user}: balance {facts.Balances.GetValueOrDefault(user)}, history {history.GetValueOrDefault(user)}"))),
            Check("recommendations-see-purchases", "Recommendations knows exactly the Acquired reservations as purchases",
                acquiredIds.Where(id => !facts.Purchases.Contains(id)).Select(id => $"{id}: Acquired, not a purchase")
                    .Concat(facts.Purchases.Where(id => !acquiredIds.Contains(id)).Select(id => $"{id}: a purchase, not Acquired"))),
        ];
        return new InvariantReport(now, results.All(r => r.Holds), results);
    }

    private static InvariantResult Check(string name, string rule, IEnumerable<string> offending)
    {
        var all = offending.ToList();
        return new InvariantResult(name, rule, all.Count == 0, all.Take(MaxListed).ToList());
    }
}
