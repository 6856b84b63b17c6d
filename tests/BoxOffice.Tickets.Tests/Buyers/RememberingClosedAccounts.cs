using BoxOffice.Contracts.Accounts;
using BoxOffice.Tickets.Buyers;
using BoxOffice.Tickets.Storage;

namespace BoxOffice.Tickets.Tests.Buyers;

public sealed class RememberingClosedAccounts
{
    [Fact]
    public void A_closed_account_is_remembered_with_when_it_closed_and_nothing_is_published()
    {
        var closed = new AccountClosed(Guid.CreateVersion7(), new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

        var decision = RememberClosedAccount.Decide(closed);

        decision.Changes.ShouldBe([new ClosedAccountRemembered(closed.UserId, closed.ClosedAt)]);
        decision.Events.ShouldBeEmpty();
    }
}
