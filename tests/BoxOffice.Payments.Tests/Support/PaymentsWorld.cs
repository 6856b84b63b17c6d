using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using BoxOffice.Contracts;
using BoxOffice.Messaging.Storage;
using BoxOffice.PaymentGateway;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoxOffice.Payments.Tests.Support;

/// <summary>
/// Real everything on loopback: the gateway simulator and the Payments module on the shared
/// <see cref="ModuleHost"/> (with a "tickets" database standing in for the Tickets service's log),
/// on SQLite files in a folder of the test's own.
/// </summary>
internal sealed class PaymentsWorld : IAsyncDisposable
{
    /// <summary>The key the gateway signs webhooks with and Payments checks them against.</summary>
    public const string WebhookSecret = "whsec_payments_world_test_secret";

    private readonly TempDirectory _dir = new("payments");
    private int _chargesInFlight;
    private int _mostChargesInFlight;
    private WebApplication? _gateway;
    private ModuleHost? _payments;

    private PaymentsWorld()
    {
    }

    public HttpClient Http => Payments.Client;

    public Uri GatewayUrl { get; private set; } = null!;

    public Uri PaymentsUrl => Payments.BaseUrl;

    public Uri WebhookUrl => new(PaymentsUrl, "/api/payments/webhook");

    /// <summary>Every webhook the payments host received: its signature header and raw body.</summary>
    public ConcurrentQueue<(string Signature, byte[] Body)> Webhooks { get; } = new();

    public IServiceProvider PaymentsServices => Payments.Services;

    /// <summary>The most charge calls (<c>POST /v1/payment_intents</c>) the gateway was answering at one time.</summary>
    public int MostChargesInFlight => Volatile.Read(ref _mostChargesInFlight);

    private ModuleHost Payments => _payments ?? throw new InvalidOperationException("Payments is not running.");

    /// <param name="gateway">Gateway settings, without the section prefix.</param>
    /// <param name="payments">Payments settings, without the section prefix.</param>
    public static async Task<PaymentsWorld> StartAsync(
        Dictionary<string, string?>? gateway = null,
        Dictionary<string, string?>? payments = null)
    {
        var world = new PaymentsWorld();
        try
        {
            await world.StartGatewayAsync(gateway ?? [], port: 0);
            world._payments = await ModuleHost.StartAsync(world.PaymentsHost(payments ?? []));
            world.DeliverWebhooks();
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Replaces the running gateway with one of other settings on the same address and ledger: the
    /// simulator reads its settings once, so this is how it "recovers".
    /// </summary>
    public async Task RestartGatewayAsync(Dictionary<string, string?> settings)
    {
        await _gateway!.StopAsync(TestContext.Current.CancellationToken);
        await _gateway.DisposeAsync();
        await StartGatewayAsync(settings, GatewayUrl.Port);
        DeliverWebhooks();
    }

    /// <summary>Stops the payments host and starts a new one on the same database files.</summary>
    public async Task RestartPaymentsAsync(Action? whileStopped = null)
    {
        await Payments.RestartAsync(whileStopped);
        DeliverWebhooks();
    }

    public ServiceDatabase Database(string name) => Payments.Database(name);

    /// <summary>Publishes an event to the tickets log as the Tickets service would.</summary>
    public Task PublishAsync<T>(T @event, Guid reservationId) where T : IEvent<T> => Payments.PublishAsync(@event, reservationId);

    /// <summary>The payments log's events of one reservation, in order.</summary>
    public async Task<List<LoggedEvent>> EventsAsync(Guid reservationId)
    {
        var events = new List<LoggedEvent>();
        await using var connection = await Database("payments").OpenReadAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, type, correlation_id, payload FROM event_log WHERE correlation_id = @r ORDER BY seq";
        command.With("@r", reservationId.ToString("D"));
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            events.Add(new LoggedEvent(reader.GetInt64(0), reader.GetString(1), Guid.Parse(reader.GetString(2)), reader.GetString(3)));
        }

        return events;
    }

    /// <summary>The payment row of a reservation (with the number of payments in all), or null when there is none.</summary>
    public async Task<PaymentRow?> PaymentAsync(Guid reservationId)
    {
        await using var connection = await Database("payments").OpenReadAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, attempts, intent_id, (SELECT COUNT(*) FROM payments), failure_reason FROM payments WHERE reservation_id = @r";
        command.With("@r", reservationId.ToString("D"));
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        return await reader.ReadAsync(TestContext.Current.CancellationToken)
            ? new PaymentRow(reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4))
            : null;
    }

    /// <summary>The gateway keeps its webhooks pending (as if Payments were unreachable) until <see cref="DeliverWebhooks"/>.</summary>
    public void HoldWebhooks() => _gateway!.Services.GetRequiredService<WebhookTarget>().Url = null;

    /// <summary>The gateway sends its webhooks to Payments again, the held ones at their next retry.</summary>
    public void DeliverWebhooks() => _gateway!.Services.GetRequiredService<WebhookTarget>().Url = WebhookUrl;

    /// <summary>The status of a payment intent as the gateway's API shows it.</summary>
    public async Task<string> IntentStatusAsync(string intentId) =>
        (await Http.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri(GatewayUrl, $"/v1/payment_intents/{intentId}"), TestContext.Current.CancellationToken))
            .GetProperty("status").GetString()!;

    public async Task<List<LedgerEntry>> LedgerAsync(Guid reservationId) =>
        await Http.GetFromJsonAsync<List<LedgerEntry>>(
            new Uri(GatewayUrl, $"/v1/ledger?reservationId={reservationId:D}"), TestContext.Current.CancellationToken) ?? [];

    public async ValueTask DisposeAsync()
    {
        if (_payments is not null)
        {
            await _payments.DisposeAsync();
        }

        if (_gateway is not null)
        {
            await _gateway.StopAsync(CancellationToken.None);
            await _gateway.DisposeAsync();
        }

        _dir.Dispose();
    }

    internal void ChargeStarted()
    {
        var now = Interlocked.Increment(ref _chargesInFlight);
        int most;
        do
        {
            most = Volatile.Read(ref _mostChargesInFlight);
        }
        while (now > most && Interlocked.CompareExchange(ref _mostChargesInFlight, now, most) != most);
    }

    internal void ChargeEnded() => Interlocked.Decrement(ref _chargesInFlight);

    private async Task StartGatewayAsync(Dictionary<string, string?> settings, int port)
    {
        var gateway = PaymentGatewayApp.Build([], b =>
        {
            b.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
            b.Configuration["PaymentGateway:DataDirectory"] = Path.Combine(_dir.Path, "gateway");
            b.Configuration["PaymentGateway:LatencyMedianMs"] = "0";
            b.Configuration["PaymentGateway:LatencyP99Ms"] = "0";
            b.Configuration["PaymentGateway:WebhookSecret"] = WebhookSecret;
            foreach (var (key, value) in settings)
            {
                b.Configuration["PaymentGateway:" + key] = value;
            }

            b.Configuration["Logging:LogLevel:Default"] = "Warning";
            b.Logging.ClearProviders().AddSimpleConsole();
            b.Services.AddSingleton<IStartupFilter>(new CountingCharges(this));
        });
        await gateway.StartAsync(TestContext.Current.CancellationToken);
        _gateway = gateway;
        GatewayUrl = new Uri(gateway.Urls.First());
    }

    private ModuleHostOptions PaymentsHost(Dictionary<string, string?> payments)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Payments:GatewayUrl"] = GatewayUrl.ToString(),
            ["Payments:WebhookSecret"] = WebhookSecret,
            // Short waits between dispatches keep the retrying tests quick; the policy itself is tested without a host.
            ["Payments:MaxRetryDelay"] = "00:00:00.500",
            ["Payments:TokenPrivateKey"] = Scenario.PrivateKeyPem,
            // Polly logs every retried attempt; the tests look at outcomes instead.
            ["Logging:LogLevel:Polly"] = "None",
        };
        foreach (var (key, value) in payments)
        {
            settings["Payments:" + key] = value;
        }

        return new ModuleHostOptions
        {
            Module = "payments",
            Upstream = ["tickets"],
            Add = (messaging, configuration) => messaging.AddPayments(configuration),
            Map = app => app.MapPayments(),
            DataDirectory = Path.Combine(_dir.Path, "boxoffice"),
            Settings = settings,
            // Keeps a copy of each webhook as it arrived, so a test can replay exactly what the gateway sent.
            Pipeline = app => app.Use(async (context, next) =>
            {
                if (context.Request.Path == "/api/payments/webhook")
                {
                    context.Request.EnableBuffering();
                    using var copy = new MemoryStream();
                    await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
                    context.Request.Body.Position = 0;
                    Webhooks.Enqueue((context.Request.Headers["Gateway-Signature"].ToString(), copy.ToArray()));
                }

                await next(context);
            }),
        };
    }
}

/// <summary>Counts the charge calls the gateway is answering, first thing in its pipeline, as Payments' calls arrive.</summary>
internal sealed class CountingCharges(PaymentsWorld world) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != "/v1/payment_intents")
            {
                await nextMiddleware(context);
                return;
            }

            world.ChargeStarted();
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                world.ChargeEnded();
            }
        });
        next(app);
    };
}

internal sealed record LoggedEvent(long Sequence, string Type, Guid CorrelationId, string Payload);

internal sealed record PaymentRow(string Status, int Attempts, string? IntentId, int PaymentsInAll, string? FailureReason);

internal sealed record LedgerEntry(string Kind, string Id, string PaymentIntent, long Amount, string Currency, Guid? ReservationId, DateTimeOffset At);
