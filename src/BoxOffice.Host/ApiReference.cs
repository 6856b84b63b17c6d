using System.Text.Json.Nodes;
using BoxOffice.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace BoxOffice.Host;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and its Scalar page (<c>/scalar</c>): what the
/// slices state beside their mappings (<see cref="ApiDocumentation"/>), plus what the host knows
/// from each endpoint's own metadata — bearer authorization (401, 403 for a role) and rate limits
/// (429) — so the document cannot drift from what the pipeline does.
/// </summary>
internal static class ApiReference
{
    /// <summary>The name of the bearer security scheme in the document.</summary>
    public const string BearerScheme = "Bearer";

    public const string Title = "BoxOffice API";

    private const string Flow = """
        Ticket reservations, event-driven. A typical purchase:

        1. `POST /api/accounts/register` creates a buyer account; `POST /api/accounts/login` gives an access
           token for it. Send the token as `Authorization: Bearer <token>` (on this page: the Bearer
           authentication box, paste the `accessToken`).
        2. `GET /api/events` lists what is on sale (anonymous); pick a ticket type id.
        3. `POST /api/reservations` with `ticketTypeId`, `quantity` and a `paymentToken` (the simulator takes
           `tok_visa`) holds the tickets and answers **202 Accepted** at once with the reservation `Pending` and its
           `Location`. Send an `Idempotency-Key` header to make a retry safe.
        4. Payment follows as events: the reservation becomes **Acquired** (tickets issued, e-mail sent, loyalty
           points earned) or **Released** (payment failed or the hold expired); a payment that needs the buyer's
           action shows a `challengeUrl` first.
        5. Follow it by polling `GET /api/reservations/{id}` or live with Server-Sent Events on
           `GET /api/me/notifications/stream`.

        Every refusal is an RFC 9457 problem (`application/problem+json`) whose `type` is
        `https://boxoffice.local/problems/{name}`; each response below lists the names it can carry.
        """;

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Accounts", "Register, sign in for a bearer token, see or close your account."),
        ("Catalog", "Events and their ticket types with live availability; organizers create events and change capacities."),
        ("Reservations", "Reserve (202, then payment decides), follow, cancel; your reservations and tickets."),
        ("Notifications", "Your in-app notification feed, and the same live as Server-Sent Events."),
        ("Recommendations", "Upcoming events you may like, from what you and similar buyers bought."),
        ("Loyalty", "Your points: earned on acquired tickets, taken back on refunds."),
        ("Operations", "For organizers operating the system: consumers, dead letters, redrive, replay, failed mails; health."),
    ];

    /// <summary>Adds the OpenAPI document with BoxOffice's description, tags, bearer scheme and per-operation details.</summary>
    public static IServiceCollection AddBoxOfficeOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer((schema, _, _) =>
            {
                NumbersAreNumbers(schema);
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(DescribeOperationAsync);
        });

    /// <summary>Maps the document and the Scalar page, set up for this product.</summary>
    public static void MapApiReference(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(scalar => scalar
            .WithTitle(Title)
            // The token is typed (or pasted from the login response) per page load, never kept in
            // localStorage, where any script on this origin could read it.
            .AddPreferredSecuritySchemes([BearerScheme])
            .WithDefaultHttpClient(ScalarTarget.Shell, ScalarClient.Curl)
            // A local product's page: no hosted AI chat, MCP, telemetry or cloud toolbar (Deploy, Generate SDK).
            .DisableAgent()
            .DisableMcp()
            .DisableTelemetry()
            .HideDeveloperTools()
            .HideClientButton());
    }

    private static void Describe(OpenApiDocument document)
    {
        document.Info ??= new OpenApiInfo();
        document.Info.Title = Title;
        document.Info.Description = Flow;
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        EnsureBearerScheme(document);
        HealthEndpoints.Document(document);
    }

    /// <summary>
    /// The web JSON defaults the framework describes schemas with read numbers from strings too, but
    /// every body here is read strictly (<c>NumberHandling.Strict</c>) and every answer writes numbers:
    /// a number is a number in the document.
    /// </summary>
    private static void NumbersAreNumbers(OpenApiSchema schema)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }

    private static void EnsureBearerScheme(OpenApiDocument document)
    {
        if (document.Components?.SecuritySchemes?.ContainsKey(BearerScheme) == true)
        {
            return;
        }

        document.AddComponent<IOpenApiSecurityScheme>(BearerScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The `accessToken` from `POST /api/accounts/login`, valid for an hour.",
        });
    }

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var problems = metadata.OfType<ProblemTypesMetadata>()
            .GroupBy(p => p.Status)
            .ToDictionary(g => g.Key, g => g.SelectMany(p => p.Types).ToList());

        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        if (authorize.Count > 0 && !metadata.OfType<IAllowAnonymous>().Any())
        {
            if (context.Document is { } document)
            {
                EnsureBearerScheme(document);
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
            }

            Respond(operation, context.Document, StatusCodes.Status401Unauthorized, "No bearer token, or one that is invalid or expired (`WWW-Authenticate: Bearer`).");
            var roles = authorize.Select(a => a.Policy ?? a.Roles).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            if (roles.Count > 0)
            {
                Respond(operation, context.Document, StatusCodes.Status403Forbidden, $"The token lacks the `{string.Join("`, `", roles)}` role.");
            }
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            problems.TryAdd(StatusCodes.Status429TooManyRequests, []);
            problems[StatusCodes.Status429TooManyRequests].Add(ProblemTypes.RateLimited.Name);
            Respond(operation, context.Document, StatusCodes.Status429TooManyRequests, null);
        }

        foreach (var (status, types) in problems)
        {
            var names = types.Distinct(StringComparer.Ordinal).Select(t => $"`{t}`");
            Respond(operation, context.Document, status, $"Problem `type`: {string.Join(", ", names)}.");
        }

        if (metadata.OfType<JsonBodyMetadata>().LastOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct),
                        Example = JsonNode.Parse(body.Example),
                    },
                },
            };
        }

        foreach (var parameter in metadata.OfType<ParameterMetadata>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = parameter.Name,
                In = parameter.In == "header" ? ParameterLocation.Header : ParameterLocation.Query,
                Description = parameter.Description,
                Schema = new OpenApiSchema { Type = parameter.Integer ? JsonSchemaType.Integer : JsonSchemaType.String },
            });
        }

        foreach (var location in metadata.OfType<LocationHeaderMetadata>())
        {
            if (operation.Responses?.TryGetValue(location.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true
                && response is OpenApiResponse concrete)
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers["Location"] = new OpenApiHeader
                {
                    Description = location.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
                };
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="status"/> if missing, as the framework's <c>ProblemDetails</c> schema (in
    /// the components: slices declare problems with ProducesProblem), and appends <paramref name="detail"/>.
    /// </summary>
    private static void Respond(OpenApiOperation operation, OpenApiDocument? document, int status, string? detail)
    {
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses.TryGetValue(key, out var response))
        {
            response = new OpenApiResponse
            {
                Description = ReasonPhrases.GetReasonPhrase(status),
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
                },
            };
            operation.Responses[key] = response;
        }

        if (detail is not null && response is OpenApiResponse concrete && concrete.Description?.Contains(detail, StringComparison.Ordinal) != true)
        {
            concrete.Description = string.IsNullOrEmpty(concrete.Description) ? detail
                : concrete.Description.EndsWith('.') ? $"{concrete.Description} {detail}" : $"{concrete.Description}. {detail}";
        }
    }
}
