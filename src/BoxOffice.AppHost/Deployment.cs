using System.Security.Cryptography;
using BoxOffice.ServiceDefaults;
using Microsoft.Extensions.Logging;

namespace BoxOffice.AppHost;

/// <summary>
/// The distributed deployment as Aspire resources: every service as its own process of the host
/// (<c>--service X</c>; two of Tickets and two of Payments, competing consumers), the payment
/// gateway simulator, and the API gateway on <c>http://localhost:5080</c>. PostgreSQL and RabbitMQ
/// are the machine's own servers (no container engine is needed): their connection strings come
/// from this app's configuration, <c>ConnectionStrings:Postgres</c> and <c>ConnectionStrings:RabbitMq</c>
/// (env <c>ConnectionStrings__Postgres</c>, <c>ConnectionStrings__RabbitMq</c>). Aspire gives every
/// process <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and <c>OTEL_SERVICE_NAME</c>, so each exports its
/// traces, metrics and logs to the dashboard.
/// </summary>
internal static class Deployment
{
    /// <summary>Where the API gateway listens: where the embedded host does, so clients cannot tell them apart.</summary>
    public const int GatewayPort = 5080;

    public static void Add(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddConnectionString("Postgres");
        var rabbitMq = builder.AddConnectionString("RabbitMq");

        // The keys the processes share, generated once into this app's data folder (0600, git-ignored)
        // and handed to them as secret parameters (masked in the dashboard).
        var data = Path.Combine(builder.AppHostDirectory, "data");
        using var loggers = LoggerFactory.Create(l => l.AddSimpleConsole());
        var logger = loggers.CreateLogger(typeof(Deployment));
        string Secret(string file, Func<string> generate) => DataFolder.ReadOrCreateSecret(data, file, generate, logger);
        var signingKey = builder.AddParameter("auth-signing-key", Secret("auth-signing.key", () => DataFolder.RandomBase64()), secret: true);
        var webhookSecret = builder.AddParameter("payments-webhook-secret", Secret("payments-webhook.secret", () => "whsec_" + DataFolder.RandomBase64()), secret: true);
        var privatePem = Secret("payments-token.key", PaymentTokenSeal.NewPrivateKeyPem);
        var tokenPrivateKey = builder.AddParameter("payments-token-private-key", privatePem, secret: true);
        var tokenPublicKey = builder.AddParameter("payments-token-public-key", PublicHalf(privatePem));
        // Development seeds the demo organizer, buyers and catalog; their passwords are made here, once.
        var organizerPassword = builder.AddParameter("seed-organizer-password", Secret("seed-organizer.password", () => "Org-" + DataFolder.RandomBase64(12)), secret: true);
        var buyerPassword = builder.AddParameter("seed-buyer-password", Secret("seed-buyer.password", () => "Buy-" + DataFolder.RandomBase64(12)), secret: true);

        IResourceBuilder<ProjectResource> Service(string service, string? instance = null) =>
            builder.AddProject<Projects.BoxOffice_Host>(instance ?? service, launchProfileName: null)
                .WithArgs("--service", service)
                .WithHttpEndpoint()
                .WithHttpHealthCheck("/health/ready")
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
                .WithEnvironment("BoxOffice__DataDirectory", Path.Combine(data, instance ?? service))
                .WithEnvironment("BoxOffice__Storage", "Postgres")
                .WithEnvironment("Messaging__Transport", "RabbitMq")
                .WithEnvironment("Auth__SigningKey", signingKey)
                .WithEnvironment("Seed__OrganizerPassword", organizerPassword)
                .WithEnvironment("Seed__BuyerPassword", buyerPassword)
                .WithReference(postgres)
                .WithReference(rabbitMq);

        var accounts = Service("accounts");
        var tickets = new[] { Service("tickets", "tickets-1"), Service("tickets", "tickets-2") };
        foreach (var instance in tickets)
        {
            instance.WithEnvironment("Tickets__PaymentTokenPublicKey", tokenPublicKey);
        }

        var payments = new[] { Service("payments", "payments-1"), Service("payments", "payments-2") };
        var notifications = Service("notifications");
        var recommendations = Service("recommendations");
        var loyalty = Service("loyalty");

        var simulator = builder.AddProject<Projects.BoxOffice_PaymentGateway>("payment-gateway-simulator", launchProfileName: null)
            .WithHttpEndpoint()
            .WithEnvironment("PaymentGateway__WebhookSecret", webhookSecret)
            .WithEnvironment("PaymentGateway__DataDirectory", Path.Combine(data, "payment-gateway-simulator"));
        foreach (var instance in payments)
        {
            instance.WithEnvironment("Payments__TokenPrivateKey", tokenPrivateKey)
                .WithEnvironment("Payments__WebhookSecret", webhookSecret)
                .WithEnvironment("Payments__GatewayUrl", simulator.GetEndpoint("http"));
        }

        // The API gateway (src/BoxOffice.Gateway) routes each /api path to the instances of its owner.
        var gatewayProject = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "BoxOffice.Gateway", "BoxOffice.Gateway.csproj"));
        if (!File.Exists(gatewayProject))
        {
            logger.LogWarning("No API gateway at {Project}: the services run without one", gatewayProject);
            return;
        }

        var gateway = builder.AddProject("gateway", gatewayProject, launchProfileName: null)
            .WithHttpEndpoint(port: GatewayPort)
            .WithHttpHealthCheck("/health/ready");
        // The web app's pages alone (no database): the gateway sends it every path outside /api, and
        // its pages call the API back through the gateway.
        var web = builder.AddProject<Projects.BoxOffice_Host>("web", launchProfileName: null)
            .WithArgs("--service", "web")
            .WithHttpEndpoint()
            .WithHttpHealthCheck("/health/ready")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            .WithEnvironment("BoxOffice__DataDirectory", Path.Combine(data, "web"))
            .WithEnvironment("Web__ApiUrl", gateway.GetEndpoint("http"));
        foreach (var (service, instances) in new[]
        {
            ("accounts", new[] { accounts }), ("tickets", tickets), ("payments", payments),
            ("notifications", new[] { notifications }), ("recommendations", new[] { recommendations }), ("loyalty", new[] { loyalty }),
            ("web", new[] { web }),
        })
        {
            gateway.WithEnvironment($"Gateway__Services__{service}", Urls(instances));
        }

        // Webhooks reach Payments through the gateway, whichever instance is up.
        simulator.WithEnvironment("PaymentGateway__WebhookUrl", ReferenceExpression.Create($"{gateway.GetEndpoint("http")}/api/payments/webhook"));
    }

    /// <summary>The instances' addresses separated by <c>;</c>, as the gateway reads them.</summary>
    private static ReferenceExpression Urls(IResourceBuilder<ProjectResource>[] instances)
    {
        var urls = new ReferenceExpressionBuilder();
        for (var i = 0; i < instances.Length; i++)
        {
            if (i > 0)
            {
                urls.AppendLiteral(";");
            }

            urls.Append($"{instances[i].GetEndpoint("http")}");
        }

        return urls.Build();
    }

    private static string PublicHalf(string privatePem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privatePem);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }
}
