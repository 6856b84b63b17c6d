using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BoxOffice.ServiceDefaults;
using BoxOffice.Testing;
using Npgsql;
using RabbitMQ.Client;

namespace BoxOffice.Distributed.Tests.Support;

/// <summary>What a deployment runs, beyond its defaults.</summary>
public sealed record DeploymentShape
{
    public int Tickets { get; init; } = 2;

    public int Payments { get; init; } = 2;

    /// <summary>False to add Loyalty later (<see cref="Deployment.AddServiceAsync"/>), as a consumer that comes after the events.</summary>
    public bool Loyalty { get; init; } = true;

    /// <summary>The broker the services use; the one of <c>BOXOFFICE_TEST_RABBITMQ</c> unless given (a node of the test's own).</summary>
    public string? RabbitMq { get; init; }

    /// <summary>Extra settings of one service's processes, as configuration keys (<c>Messaging:Faults:loyalty</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Settings { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>The simulator's latency: a fast gateway by default, so the tests wait on BoxOffice, not on it.</summary>
    public int GatewayLatencyMedianMs { get; init; } = 20;

    public int GatewayLatencyP99Ms { get; init; } = 80;
}

/// <summary>
/// BoxOffice distributed, as separate OS processes on real servers: the payment gateway simulator,
/// every service (two Tickets and two Payments by default) on PostgreSQL and RabbitMQ, and the API
/// gateway in front. Its databases and broker objects carry a prefix of their own and are removed
/// with it.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    public const string OrganizerEmail = "organizer@boxoffice.local";

    private static readonly string[] Consumers = ["tickets", "payments", "notifications", "recommendations", "loyalty"];
    private readonly List<ServiceProcess> _processes = [];
    private readonly TempDirectory _data = new("boxoffice-distributed");
    private readonly DeploymentShape _shape;
    private readonly Dictionary<string, string> _common;
    private ServiceProcess? _gateway;

    private Deployment(DeploymentShape shape)
    {
        _shape = shape;
        Prefix = "dt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        RabbitMq = shape.RabbitMq ?? DistributedServers.RabbitMq;
        OrganizerPassword = "Org-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var paymentsKey = PaymentTokenSeal.NewPrivateKeyPem();
        using var rsa = RSA.Create();
        rsa.ImportFromPem(paymentsKey);
        WebhookSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        _common = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Development: the tests' demo faults are refused in Production.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["BoxOffice__Storage"] = "Postgres",
            ["ConnectionStrings__Postgres"] = DistributedServers.Postgres,
            ["BoxOffice__DatabasePrefix"] = Prefix,
            ["Messaging__Transport"] = "RabbitMq",
            ["ConnectionStrings__RabbitMq"] = RabbitMq,
            ["Messaging__PostgresPoolSize"] = "4",
            ["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Tickets__PaymentTokenPublicKey"] = rsa.ExportSubjectPublicKeyInfoPem(),
            ["Payments__TokenPrivateKey"] = paymentsKey,
            ["Payments__WebhookSecret"] = WebhookSecret,
            ["RateLimits__RegistrationsPerHourPerAddress"] = "100000",
            ["RateLimits__LoginsPerMinutePerAddress"] = "100000",
            ["RateLimits__ReservationsPerMinutePerUser"] = "100000",
            ["RateLimits__ReservationBurstPerUser"] = "100000",
        };
    }

    /// <summary>The databases' and broker objects' prefix (<c>BoxOffice:DatabasePrefix</c>).</summary>
    public string Prefix { get; }

    public string RabbitMq { get; }

    public string OrganizerPassword { get; }

    public string WebhookSecret { get; }

    /// <summary>The API gateway: the one address clients use.</summary>
    public Uri Url => _gateway?.Url ?? throw new InvalidOperationException("The deployment is not started.");

    public ServiceProcess Simulator { get; private set; } = null!;

    public IReadOnlyList<ServiceProcess> Processes => _processes;

    /// <summary>Every process's output, for a failure message.</summary>
    public string Output => string.Join(Environment.NewLine, _processes.Select(p => p.Output));

    /// <summary>
    /// What a failed wait should say beyond its own message: each consumer's state and lag as its
    /// instance reports it, and each process's last warnings and errors.
    /// </summary>
    public async Task<string> DiagnoseAsync()
    {
        var text = new System.Text.StringBuilder();
        HttpClient? organizer = null;
        try
        {
            organizer = await OrganizerAsync();
        }
#pragma warning disable CA1031 // A diagnosis must never hide the failure it explains (Accounts may be the process that is down).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            text.AppendLine().Append("(subscriptions not asked: the organizer could not sign in: ").Append(ex.Message).Append(')');
        }

        using var _ = organizer;
        foreach (var process in _processes)
        {
            text.AppendLine().Append("== ").Append(process.Name).Append(process.IsRunning ? string.Empty : " (not running)");
            if (organizer is not null && process.IsRunning && Consumers.Any(c => process.Name.StartsWith(c + "-", StringComparison.Ordinal)))
            {
                try
                {
                    using var direct = Direct(organizer, process);
                    text.Append(": ").Append(await direct.GetStringAsync(new Uri("/api/admin/messaging/subscriptions", UriKind.Relative), TestContext.Current.CancellationToken));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    text.Append(": subscriptions not answered (").Append(ex.Message).Append(')');
                }
            }

            foreach (var problem in process.Problems(6))
            {
                text.AppendLine().Append("   ").Append(problem);
            }
        }

        return text.ToString();
    }

    public static async Task<Deployment> StartAsync(DeploymentShape? shape = null)
    {
        DistributedServers.Require();
        var deployment = new Deployment(shape ?? new DeploymentShape());
        try
        {
            await deployment.StartAllAsync(TestContext.Current.CancellationToken);
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    public ServiceProcess Service(string name, int instance = 1) =>
        _processes.Single(p => p.Name == $"{name}-{instance}");

    /// <summary>
    /// Starts a service that was left out of the start (<see cref="DeploymentShape.Loyalty"/> false):
    /// a consumer that comes after the events. The gateway knew its address from the start and
    /// answered 503 for it until now.
    /// </summary>
    public async Task<ServiceProcess> AddServiceAsync(string name)
    {
        var process = _processes.Single(p => p.Name == $"{name}-1" && !p.IsRunning);
        await process.StartAsync(TestContext.Current.CancellationToken);
        await UntilGatewayRoutesEverywhereAsync();
        return process;
    }

    /// <summary>
    /// Waits until the gateway routes to every service again: after a service's only instance was
    /// restarted, the gateway answers 503 for it until its next probe finds it ready.
    /// </summary>
    public async Task UntilGatewayRoutesEverywhereAsync()
    {
        using var client = Client();
        await Eventually.HoldsAsync(
            async () => (await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode,
            status => status == System.Net.HttpStatusCode.OK, "the gateway routes to every service", TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Waits until every running instance of <paramref name="service"/> consumes its queue (each of its
    /// consumers Running, asked of the instance itself): after a broker restart in an earlier test a
    /// consumer comes back only when its backoff ends, and until then its instance takes no deliveries.
    /// </summary>
    public async Task UntilConsumingAsync(string service)
    {
        using var organizer = await OrganizerAsync();
        foreach (var instance in _processes.Where(p => p.Name.StartsWith(service + "-", StringComparison.Ordinal) && p.IsRunning))
        {
            using var direct = Direct(organizer, instance);
            await Eventually.HoldsAsync(
                async () => (await direct.GetFromJsonAsync<JsonArray>("/api/admin/messaging/subscriptions", TestContext.Current.CancellationToken))!,
                // The relay's line is left out: one instance publishes the log, the other stands by.
                subscriptions => subscriptions.Where(s => s!["consumer"]!.ToString() != "relay").ToList() is { Count: > 0 } consumers
                    && consumers.All(s => s!["state"]!.ToString() == "Running"),
                $"{instance.Name} consumes its queue", TimeSpan.FromSeconds(60));
        }
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>
    /// The same buyer (their token) talking to one instance directly, past the gateway: for a test
    /// that must know which instance took a request. The gateway leaves an instance out for a second
    /// whenever one probe fails, which on a loaded machine can be the whole burst.
    /// </summary>
    public static HttpClient Direct(HttpClient buyer, ServiceProcess instance) =>
        new() { BaseAddress = instance.Url, Timeout = buyer.Timeout, DefaultRequestHeaders = { Authorization = buyer.DefaultRequestHeaders.Authorization } };

    /// <summary>Registers a buyer through the gateway and returns a client logged in as them.</summary>
    public async Task<HttpClient> BuyerAsync(string birthDate = "1990-05-17")
    {
        var email = $"buyer-{Guid.NewGuid():N}@example.test";
        using var anonymous = Client();
        var registered = await anonymous.PostAsJsonAsync("/api/accounts/register",
            new { email, password = "Buyer-pass-1", displayName = "Test Buyer", birthDate }, TestContext.Current.CancellationToken);
        registered.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await registered.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return Client(await LoginAsync(email, "Buyer-pass-1"));
    }

    /// <summary>
    /// Registers <paramref name="count"/> buyers, four at a time: registration hashes a password and
    /// is not what these tests measure; sixty at once on a loaded 2-core CI machine made Accounts wait
    /// past its connection pool's timeout (a 500).
    /// </summary>
    public async Task<HttpClient[]> BuyersAsync(int count)
    {
        var buyers = new HttpClient[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken },
            async (i, _) => buyers[i] = await BuyerAsync());
        return buyers;
    }

    public async Task<HttpClient> OrganizerAsync() => Client(await LoginAsync(OrganizerEmail, OrganizerPassword));

    public async Task<string> LoginAsync(string email, string password)
    {
        using var anonymous = Client();
        // A 503 (Accounts' database just restarted, the gateway's probe not yet through) is asked again, as a client would.
        var login = await Eventually.HoldsAsync(
            () => anonymous.PostAsJsonAsync("/api/accounts/login", new { email, password }, TestContext.Current.CancellationToken),
            r => r.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable, $"{email} is answered other than 503", TimeSpan.FromSeconds(30));
        login.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await login.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await Json(login))["accessToken"]!.GetValue<string>();
    }

    /// <summary>Creates an event with one ticket type through the gateway: (event id, ticket type id).</summary>
    public async Task<(Guid EventId, Guid TicketTypeId)> CreateEventAsync(int capacity = 100, int maxPerOrder = 6)
    {
        using var organizer = await OrganizerAsync();
        var response = await organizer.PostAsJsonAsync("/api/events", new
        {
            name = "Distributed night " + Guid.NewGuid().ToString("N")[..6],
            venue = "Test Hall",
            city = "Lisbon",
            category = "concert",
            performers = new[] { "The Testers" },
            startsAt = DateTimeOffset.UtcNow.AddDays(10),
            minimumAge = 0,
            description = "An event of the distributed tests.",
            ticketTypes = new[] { new { name = "General", price = 4_500L, currency = "EUR", capacity, maxPerOrder = Math.Min(maxPerOrder, capacity) } },
        }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var created = await Json(response);
        return (created["id"]!.GetValue<Guid>(), created["ticketTypes"]![0]!["id"]!.GetValue<Guid>());
    }

    /// <summary>The simulator's ledger entries for one reservation: what the buyer was actually charged.</summary>
    public async Task<JsonArray> LedgerAsync(Guid reservationId)
    {
        using var client = new HttpClient { BaseAddress = Simulator.Url };
        return (JsonArray)JsonNode.Parse(await client.GetStringAsync(
            new Uri($"/v1/ledger?reservationId={reservationId}", UriKind.Relative), TestContext.Current.CancellationToken))!;
    }

    /// <summary>A <c>SELECT COUNT(*)</c> in one service's own database, read from outside, as the test's evidence.</summary>
    public async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(DistributedServers.Postgres)
        {
            Database = $"{Prefix}_{database}",
            Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The operators' invariant check over this deployment, run as an operator runs it: the host's
    /// <c>invariants</c> command as its own process, pointed at every service's database (the
    /// deployment's server and prefix) and at the simulator's ledger with the services' own keys.
    /// </summary>
    public Task<InvariantCheck> InvariantsAsync(int graceSeconds = 60) =>
        InvariantCheck.RunAsync(Artifacts.Dll("BoxOffice.Host"), new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["BoxOffice__Storage"] = "Postgres",
            ["ConnectionStrings__Postgres"] = DistributedServers.Postgres,
            ["BoxOffice__DatabasePrefix"] = Prefix,
            ["BoxOffice__DataDirectory"] = Path.Combine(_data.Path, "invariants"),
            ["Payments__GatewayUrl"] = Simulator.Url.ToString(),
        }, graceSeconds, TestContext.Current.CancellationToken);

    /// <summary>
    /// Waits until the invariant check exits 0 (at most <paramref name="seconds"/>): the downstream
    /// invariants (told once, points, recommendations) hold once every consumer has caught up.
    /// </summary>
    public Task<InvariantCheck> UntilInvariantsHoldAsync(string why, int seconds = 60) =>
        Eventually.HoldsAsync(() => InvariantsAsync(), c => c.Holds, $"every invariant holds ({why})", TimeSpan.FromSeconds(seconds));

    public static async Task<JsonNode> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
        ?? throw new InvalidOperationException("An empty body.");

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes.AsEnumerable().Reverse())
        {
            await process.DisposeAsync();
        }

        await DropDatabasesAsync();
        await DeleteBrokerObjectsAsync();
        _data.Dispose();
    }

    private async Task StartAllAsync(CancellationToken ct)
    {
        Simulator = new ServiceProcess("payment-gateway", "BoxOffice.PaymentGateway", [], new Dictionary<string, string>
        {
            ["PaymentGateway__WebhookSecret"] = WebhookSecret,
            ["PaymentGateway__DataDirectory"] = Path.Combine(_data.Path, "payment-gateway"),
            ["PaymentGateway__LatencyMedianMs"] = _shape.GatewayLatencyMedianMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PaymentGateway__LatencyP99Ms"] = _shape.GatewayLatencyP99Ms.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, readiness: $"/v1/ledger?reservationId={Guid.Empty}");
        // The simulator learns the gateway's address below; webhooks wait (and are retried) until then.
        _processes.Add(Simulator);

        // Accounts first: it owns the organizer the others' tests log in as. Two instances of one
        // service migrate the same database; the write lock makes that safe, start them together.
        var services = new List<ServiceProcess> { Create("accounts", 1) };
        services.AddRange(Enumerable.Range(1, _shape.Tickets).Select(i => Create("tickets", i)));
        services.AddRange(Enumerable.Range(1, _shape.Payments).Select(i => Create("payments", i)));
        services.Add(Create("notifications", 1));
        services.Add(Create("recommendations", 1));
        // Loyalty left out is still planned (its port is known to the gateway), and started later.
        var loyalty = Create("loyalty", 1);
        if (_shape.Loyalty)
        {
            services.Add(loyalty);
        }

        // The web app: its pages call the API through the gateway, which sends it every other path.
        var web = new ServiceProcess("web-1", "BoxOffice.Host", [], new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["BoxOffice__Service"] = "web",
            ["BoxOffice__DataDirectory"] = Path.Combine(_data.Path, "web-1"),
        });
        _processes.Add(web);
        services.Add(web);

        _gateway = CreateGateway(ready: _shape.Loyalty);
        web.SetEnvironment("Web__ApiUrl", _gateway.Url.ToString().TrimEnd('/'));
        Simulator.SetEnvironment("PaymentGateway__WebhookUrl", new Uri(_gateway.Url, "/api/payments/webhook").ToString());
        await Simulator.StartAsync(ct);
        await Task.WhenAll(services.Select(s => s.StartAsync(ct)));
        await _gateway.StartAsync(ct);
        // Ready (its health checks pass) is not yet consuming: a consumer first declares its queue and
        // asks for its history. Tests start once every consumer of every instance runs.
        foreach (var consumer in Consumers)
        {
            await UntilConsumingAsync(consumer);
        }
    }

    private ServiceProcess Create(string service, int instance)
    {
        var environment = new Dictionary<string, string>(_common, StringComparer.Ordinal)
        {
            ["BoxOffice__Service"] = service,
            ["BoxOffice__DataDirectory"] = Path.Combine(_data.Path, $"{service}-{instance}"),
        };
        if (service == "accounts")
        {
            environment["Seed__OrganizerPassword"] = OrganizerPassword;
        }

        if (service == "payments")
        {
            environment["Payments__GatewayUrl"] = Simulator.Url.ToString();
        }

        if (_shape.Settings.TryGetValue(service, out var extra))
        {
            foreach (var (key, value) in extra)
            {
                environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        var process = new ServiceProcess($"{service}-{instance}", "BoxOffice.Host", [], environment);
        _processes.Add(process);
        return process;
    }

    /// <param name="ready">
    /// Whether every service will be running when it starts: then the gateway is waited for until
    /// it routes to all of them, else only until it answers.
    /// </param>
    private ServiceProcess CreateGateway(bool ready)
    {
        // Probes every second (5 s by default), so a restarted instance is routed to again soon.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["Gateway__HealthCheckInterval"] = "00:00:01" };
        foreach (var group in _processes.Where(p => p != Simulator && p.Name != "gateway").GroupBy(p => p.Name[..p.Name.LastIndexOf('-')]))
        {
            environment[$"Gateway__Services__{group.Key}"] = string.Join(';', group.Select(p => p.Url.ToString().TrimEnd('/')));
        }

        var gateway = new ServiceProcess("gateway", "BoxOffice.Gateway", [], environment, readiness: ready ? "/health/ready" : "/health/live");
        _processes.Add(gateway);
        return gateway;
    }

    private async Task DropDatabasesAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(DistributedServers.Postgres) { Database = "postgres", Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            var names = new List<string>();
            await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @prefix", connection))
            {
                list.Parameters.AddWithValue("prefix", Prefix + "\\_%");
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    names.Add(reader.GetString(0));
                }
            }

            foreach (var name in names)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException)
        {
            // Best effort: a test database left behind is named by its prefix.
        }
    }

    private async Task DeleteBrokerObjectsAsync()
    {
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(RabbitMq) };
            await using var connection = await factory.CreateConnectionAsync();
            foreach (var consumer in Consumers)
            {
                foreach (var queue in new[] { $"{Prefix}.{consumer}", $"{Prefix}.{consumer}.dead-letters" })
                {
                    await using var channel = await connection.CreateChannelAsync();
                    await channel.QueueDeleteAsync(queue);
                }
            }

            foreach (var exchange in new[] { "events", "dead-letters", "control", "unrouted" })
            {
                await using var channel = await connection.CreateChannelAsync();
                await channel.ExchangeDeleteAsync($"{Prefix}.{exchange}");
            }
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException)
        {
            // Best effort: objects left behind are named by the deployment's prefix.
        }
    }
}

/// <summary>The servers the distributed tests run on: <c>BOXOFFICE_TEST_POSTGRES</c> and <c>BOXOFFICE_TEST_RABBITMQ</c>.</summary>
public static class DistributedServers
{
    public static string Postgres => Environment.GetEnvironmentVariable(StoreUnderTest.ServerVariable) ?? "";

    public static string RabbitMq => Environment.GetEnvironmentVariable("BOXOFFICE_TEST_RABBITMQ") ?? "";

    /// <summary>Skips on a laptop without the servers; under <c>CI=true</c> a missing server fails the test.</summary>
    public static void Require()
    {
        StoreUnderTest.RequireServer(postgres: true);
        if (!string.IsNullOrWhiteSpace(RabbitMq))
        {
            return;
        }

        const string why = "BOXOFFICE_TEST_RABBITMQ is not set (an AMQP URI; .ci/run starts RabbitMQ and sets it)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true and the distributed tests cannot run: {why}");
        }

        Assert.Skip($"Distributed tests skipped: {why}.");
    }
}
