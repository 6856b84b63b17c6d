using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Loyalty.Balance;
using BoxOffice.Loyalty.Earning;
using BoxOffice.Loyalty.Storage;
using BoxOffice.Messaging.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace BoxOffice.Loyalty;

/// <summary>
/// Loyalty points: a consumer added after the fact. Tickets and Payments know nothing of it; it
/// reads their logs from the beginning the first time it runs (<c>Loyalty:Enabled</c>, default true).
/// </summary>
public static class LoyaltyModule
{
    /// <summary>True unless <c>Loyalty:Enabled</c> is false.</summary>
    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue("Loyalty:Enabled", defaultValue: true);

    /// <summary>Hosts the loyalty database and its consumer, when enabled.</summary>
    public static MessagingBuilder AddLoyalty(this MessagingBuilder messaging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(messaging);
        if (!IsEnabled(configuration))
        {
            return messaging;
        }

        return messaging
            .AddDatabase(LoyaltySchema.Database, LoyaltySchema.Migrations)
            .AddConsumer("loyalty", LoyaltySchema.Database, c => c
                .Handle<TicketsAcquired, EarnOnTicketsAcquired>()
                .Handle<PaymentRefunded, RevokeOnPaymentRefunded>()
                .OnReset<ForgetPoints>());
    }

    /// <summary>Maps <c>GET /api/me/loyalty</c>, when enabled.</summary>
    public static IEndpointRouteBuilder MapLoyalty(this IEndpointRouteBuilder endpoints, IConfiguration configuration)
    {
        if (IsEnabled(configuration))
        {
            endpoints.MapGet("/api/me/loyalty", GetLoyalty.HandleAsync).RequireAuthorization().WithTags("Loyalty")
                .WithName("GetLoyalty")
                .WithSummary("Your points and how they came about, newest first")
                .Produces<LoyaltyView>();
        }

        return endpoints;
    }
}
