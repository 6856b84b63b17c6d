using BoxOffice.Contracts.Accounts;
using BoxOffice.Contracts.Payments;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Notifications.Catalog;
using BoxOffice.Notifications.Composing;
using BoxOffice.Notifications.Feed;
using BoxOffice.Notifications.Live;
using BoxOffice.Notifications.Mail;
using BoxOffice.Notifications.Recipients;
using BoxOffice.Notifications.Reservations;
using BoxOffice.Notifications.Storage;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BoxOffice.Notifications;

/// <summary>
/// The Notifications module: tells buyers what happened to their reservations (tickets bought,
/// released, a payment to confirm, a refund) by e-mail and in an in-app feed with live updates.
/// </summary>
public static class NotificationsModule
{
    /// <summary>
    /// Adds the <c>notifications</c> database and consumer (of <c>AccountRegistered</c>,
    /// <c>EventPublished</c>, <c>TicketsHeld</c>, <c>TicketsAcquired</c>, <c>TicketsReleased</c>,
    /// <c>PaymentRequiresAction</c> and <c>PaymentRefunded</c>), the mail sender and the live
    /// broadcaster, with options from the <c>Notifications</c> section, validated at start.
    /// </summary>
    public static MessagingBuilder AddNotifications(this MessagingBuilder messaging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(messaging);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = messaging.Services;
        services.AddOptions<NotificationsOptions>()
            .Bind(configuration.GetSection(NotificationsOptions.Section))
            // The mail folder defaults to the data folder's "mail", and like it, a relative path
            // is under the content root.
            .PostConfigure<IHostEnvironment>((o, env) => o.MailDirectory = string.IsNullOrWhiteSpace(o.MailDirectory)
                ? Path.Combine(DataFolder.Resolve(configuration, env), "mail")
                : Path.GetFullPath(o.MailDirectory, env.ContentRootPath))
            .ValidateDataAnnotations()
            .Validate(o => MailboxAddress.TryParse(o.From, out _), "Notifications:From must be a mail address, such as BoxOffice <tickets@boxoffice.local>.")
            .Validate(o => o.Smtp is { Port: > 0 and <= 65_535 }, "Notifications:Smtp:Port must be from 1 to 65535.")
            .Validate(o => o.MaxStreamsPerUser <= o.MaxStreams, "Notifications:MaxStreamsPerUser cannot exceed Notifications:MaxStreams.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MailSignal>();
        services.AddSingleton<NotificationBroadcaster>();
        services.AddSingleton<NotificationWriter>();
        services.AddSingleton<FailedMails>();
        services.AddSingleton<IMailDelivery>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NotificationsOptions>>().Value;
            return string.IsNullOrWhiteSpace(options.Smtp.Host)
                ? new EmlDropFolder(options.MailDirectory!)
                : new SmtpRelay(options.Smtp);
        });
        services.AddSingleton<MailSender>();
        services.AddHostedService(sp => sp.GetRequiredService<MailSender>());

        return messaging
            .AddDatabase(NotificationsSchema.Database, NotificationsSchema.Migrations)
            .AddConsumer(NotificationsSchema.Consumer, NotificationsSchema.Database, c => c
                .Handle<AccountRegistered, KeepRecipient>()
                .Handle<EventPublished, KeepEventDetails>()
                .Handle<TicketsHeld, KeepReservation>()
                .Handle<TicketsAcquired, NotifyTicketsAcquired>()
                .Handle<TicketsReleased, NotifyTicketsReleased>()
                .Handle<PaymentRequiresAction, NotifyPaymentRequiresAction>()
                .Handle<PaymentRefunded, NotifyPaymentRefunded>()
                .OnReset<ForgetDerivedState>());
    }

    /// <summary>
    /// Maps the caller's feed, <c>GET /api/me/notifications</c>, and its live stream of
    /// Server-Sent Events, <c>GET /api/me/notifications/stream</c>; both need a signed-in user.
    /// </summary>
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var mine = endpoints.MapGroup("/api/me/notifications").RequireAuthorization().WithTags("Notifications");
        mine.MapGet("/", GetFeed.HandleAsync)
            .WithName("GetNotificationFeed")
            .WithSummary("Your notifications, newest first")
            .WithQueryParameter("page", "Page number, from 1 (default 1).", integer: true)
            .WithQueryParameter("pageSize", $"Entries per page, 1 to {GetFeed.MaxPageSize} (default 20).", integer: true)
            .Produces<IReadOnlyList<FeedEntry>>()
            .ProducesProblems(StatusCodes.Status400BadRequest, "invalid-request");
        mine.MapGet("/stream", NotificationStream.HandleAsync)
            .WithName("StreamNotifications")
            .WithSummary("Your notifications live, as Server-Sent Events (event id = feed entry id)")
            .WithHeaderParameter("Last-Event-ID", "Resume after this entry id: what was missed comes first, then live entries.")
            .WithQueryParameter("lastEventId", "The same as Last-Event-ID, for clients that cannot set headers.", integer: true)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblems(StatusCodes.Status400BadRequest, "invalid-request")
            .ProducesProblems(StatusCodes.Status429TooManyRequests, "too-many-streams");

        // Operators: mails the SMTP server refused for good (the mails' dead letters), and retrying one.
        var failed = endpoints.MapGroup("/api/admin/notifications/failed-mails").RequireAuthorization(Roles.Organizer).WithTags("Operations");
        failed.MapGet("/", async (FailedMails mails, CancellationToken ct) => TypedResults.Ok(await mails.ListAsync(100, ct)))
            .WithName("ListFailedMails")
            .WithSummary("Mails the SMTP server refused for good (at most 100)");
        failed.MapPost("/{id:long}/retry", async (long id, FailedMails mails, CancellationToken ct) =>
            await mails.RetryAsync(id, ct) ? Results.NoContent() : Problems.NotFound("No failed mail with that id."))
            .WithName("RetryFailedMail")
            .WithSummary("Send a failed mail again")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(StatusCodes.Status404NotFound, "not-found");
        return endpoints;
    }
}
