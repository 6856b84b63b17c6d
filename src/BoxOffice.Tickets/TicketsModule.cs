using BoxOffice.Contracts.Accounts;
using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Hosting;
using BoxOffice.ServiceDefaults;
using BoxOffice.Tickets.Buyers;
using BoxOffice.Tickets.Catalog;
using BoxOffice.Tickets.Outcomes;
using BoxOffice.Tickets.Reservations;
using BoxOffice.Tickets.Seeding;
using BoxOffice.Tickets.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BoxOffice.Tickets;

/// <summary>The Tickets service: catalog, reservations (the accept path), outcomes of payments, tickets.</summary>
public static class TicketsModule
{
    internal const string Database = "tickets";

    /// <summary>Hosts the tickets database, its consumer of payment outcomes and its background work.</summary>
    public static MessagingBuilder AddTickets(this MessagingBuilder messaging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(messaging);
        var services = messaging.Services;
        services.AddOptions<TicketsOptions>().Bind(configuration.GetSection(TicketsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // Tickets seals buyers' payment tokens and never opens them: it holds only Payments' public key.
        services.TryAddSingleton(sp => PaymentTokenPublicKey.Load(configuration, sp.GetService<PaymentTokenPrivateKey>()));
        messaging
            .AddDatabase(Database, TicketsSchema.Migrations)
            .AddUpcaster<TicketsHeldV1, TicketsHeld, SealTokenOfTicketsHeldV1>()
            .AddConsumer("tickets", Database, c => c
                .Handle<PaymentSucceeded, AcquireOnPaymentSucceeded>()
                .Handle<PaymentFailed, ReleaseOnPaymentFailed>()
                .Handle<PaymentRequiresAction, ShowChallenge>()
                .Handle<PaymentRefunded, ShowRefund>()
                .Handle<AccountClosed, RememberClosedAccount>());
        services.AddHostedService<SeedDemoCatalog>();
        services.AddSingleton<ReservationLog>();
        ReserveTickets.AddServices(services);
        services.AddSingleton<ExpireHolds>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpireHolds>());
        return messaging;
    }

    /// <summary>Maps the catalog, reservation and ticket endpoints.</summary>
    public static IEndpointRouteBuilder MapTickets(this IEndpointRouteBuilder endpoints)
    {
        var events = endpoints.MapGroup("/api/events").WithTags("Catalog");
        GetEvents.Map(events);
        CreateEvent.Map(events);
        ChangeCapacity.Map(events);
        UpdateEvent.Map(events);
        AddTicketType.Map(events);
        GetSales.Map(events);

        var reservations = endpoints.MapGroup("/api/reservations").RequireAuthorization().WithTags("Reservations");
        ReserveTickets.Map(reservations);
        GetReservations.MapOne(reservations);
        CancelReservation.Map(reservations);

        var mine = endpoints.MapGroup("/api/me").RequireAuthorization().WithTags("Reservations");
        GetReservations.MapMine(mine);
        return endpoints;
    }
}
