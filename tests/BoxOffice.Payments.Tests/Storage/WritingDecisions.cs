using BoxOffice.Contracts.Payments;
using BoxOffice.Payments.Gateway;
using BoxOffice.Payments.Storage;
using BoxOffice.Payments.Tests.Support;

namespace BoxOffice.Payments.Tests.Storage;

/// <summary>
/// Decisions written through the core on the real database: a decision made on a row that changed
/// since (a race another writer won, possible on PostgreSQL) writes nothing and publishes nothing.
/// </summary>
public sealed class WritingDecisions
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_decision_made_on_a_status_the_payment_no_longer_has_writes_and_publishes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_visa");
        await world.PublishAsync(held);
        await world.OutcomeAsync<PaymentSucceeded>(held);

        await using (var tx = await world.Database("payments").BeginAsync(ct))
        {
            var succeeded = (await PaymentStore.FindAsync(tx, held.ReservationId, ct))!;
            // What a writer that read the payment before the charge's answer landed would decide.
            var stale = succeeded with { Status = PaymentStatus.Processing };
            var declined = stale.Charged(new ChargeResult.Declined("pi_other", "card_declined"), DateTimeOffset.UtcNow, MaxDelay);

            await Should.ThrowAsync<PaymentConflict>(() => PaymentStore.ApplyAsync(tx, declined, causationId: null, ct));
        }

        (await world.PaymentAsync(held.ReservationId))!.Status.ShouldBe("Succeeded");
        (await world.TypesAsync(held)).ShouldBe(["payments.succeeded.v1"]);
    }

    [Fact]
    public async Task A_second_start_of_a_payment_for_the_same_reservation_writes_and_publishes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_visa");
        await world.PublishAsync(held);
        await world.OutcomeAsync<PaymentSucceeded>(held);

        await using (var tx = await world.Database("payments").BeginAsync(ct))
        {
            // Decided as if no payment had been found, with a token that cannot be read: a failure event.
            var again = Payment.Start(held, null, Guid.CreateVersion7(), DateTimeOffset.UtcNow);

            await Should.ThrowAsync<PaymentConflict>(() => PaymentStore.ApplyAsync(tx, again, causationId: null, ct));
        }

        (await world.PaymentAsync(held.ReservationId))!.PaymentsInAll.ShouldBe(1);
        (await world.TypesAsync(held)).ShouldBe(["payments.succeeded.v1"]);
    }

    [Fact]
    public async Task A_decision_that_lost_a_race_is_decided_again_on_what_the_winner_wrote()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var world = await PaymentsWorld.StartAsync();
        var held = Scenario.Held("tok_visa");
        await world.PublishAsync(held);
        await world.OutcomeAsync<PaymentSucceeded>(held);
        var seen = new List<PaymentStatus>();

        var decision = await PaymentStore.DecideAsync(world.Database("payments"), held.ReservationId, (payment, now) =>
        {
            seen.Add(payment.Status);
            // The first round decides on a stale copy, as a writer that lost the race would have.
            var basis = seen.Count == 1 ? payment with { Status = PaymentStatus.Processing } : payment;
            return basis.Charged(new ChargeResult.Declined("pi_other", "card_declined"), now, MaxDelay);
        }, TimeProvider.System, ct);

        seen.ShouldBe([PaymentStatus.Succeeded, PaymentStatus.Succeeded]);
        decision.ShouldNotBeNull().Changed.ShouldBeFalse();
        (await world.PaymentAsync(held.ReservationId))!.Status.ShouldBe("Succeeded");
        (await world.TypesAsync(held)).ShouldBe(["payments.succeeded.v1"]);
    }
}
