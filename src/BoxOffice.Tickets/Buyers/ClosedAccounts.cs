using BoxOffice.Contracts.Accounts;
using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Deciding;
using BoxOffice.Messaging.EventLog;
using BoxOffice.Messaging.Storage;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Http;

namespace BoxOffice.Tickets.Buyers;

/// <summary>
/// Accounts that were closed. An access token is checked by its signature alone and outlives its
/// account, so the write paths (reserve, cancel) look the buyer up here — one primary-key lookup,
/// or one list per reserve batch — and refuse a closed account's token.
/// </summary>
internal static class ClosedAccounts
{
    public static async Task<bool> IsClosedAsync(ServiceTransaction tx, Guid userId, CancellationToken ct) =>
        await tx.Command("SELECT 1 FROM closed_accounts WHERE user_id = @user")
            .With("@user", userId.ToString()).ExecuteScalarAsync(ct) is not null;

    public static IResult Refusal() =>
        Problems.Result(ProblemTypes.AccountClosed,
            "The account this token was issued for has been closed; nothing was changed.");
}

/// <summary>An account was closed: its tokens may no longer reserve or cancel.</summary>
internal sealed class RememberClosedAccount : IEventHandler<AccountClosed>
{
    public async ValueTask HandleAsync(AccountClosed @event, ConsumeContext context, CancellationToken cancellationToken) =>
        await context.ApplyAsync(Decide(@event), TicketsWriter.Instance, cancellationToken);

    /// <summary>Remembered once; a redelivery writes nothing new (the writer ignores a known account).</summary>
    public static Decision<TicketsChange> Decide(AccountClosed @event) =>
        Decision<TicketsChange>.Of(new ClosedAccountRemembered(@event.UserId, @event.ClosedAt));
}
