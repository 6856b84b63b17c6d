using System.Text.Json.Nodes;
using BoxOffice.Host.Tests.Support;

namespace BoxOffice.Host.Tests.Hosting;

/// <summary>Starts the host with the OpenAPI document switched on and reads <c>/openapi/v1.json</c> once.</summary>
public sealed class ApiDocumentFixture : IAsyncLifetime
{
    private TestApp? _app;
    private JsonObject? _document;

    public TestApp App => _app ?? throw new InvalidOperationException("The host has not started.");

    public JsonObject Document => _document ?? throw new InvalidOperationException("The document has not been read.");

    public async ValueTask InitializeAsync()
    {
        _app = await TestApp.StartAsync(new Dictionary<string, string?> { [EmbeddedHost.OpenApiEnabledKey] = "true" });
        using var anonymous = _app.Client();
        _document = (await TestApp.Json(await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken))).AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>
/// The OpenAPI document is the API's contract for a client (and what <c>/scalar</c> shows): every
/// operation with the statuses it really answers, its body with an example, the bearer scheme where
/// it needs a token, and its service's tag. The table below is the contract, taken from the
/// handlers and the behaviour tests; a new endpoint, or a new answer, fails here until it is documented.
/// </summary>
public sealed class DocumentingTheApi(ApiDocumentFixture fixture) : IClassFixture<ApiDocumentFixture>
{
    private sealed record Documented(string Tag, bool Anonymous, int[] Statuses, bool ReadsJsonBody = false);

    private static Documented Anonymous(string tag, params int[] statuses) => new(tag, true, statuses);

    private static Documented Authorized(string tag, params int[] statuses) => new(tag, false, statuses);

    private static readonly Dictionary<string, Documented> Operations = new(StringComparer.Ordinal)
    {
        ["POST /api/accounts/register"] = Anonymous("Accounts", 201, 400, 409, 429) with { ReadsJsonBody = true },
        ["POST /api/accounts/login"] = Anonymous("Accounts", 200, 400, 401, 429) with { ReadsJsonBody = true },
        ["GET /api/me"] = Authorized("Accounts", 200, 401, 404),
        ["DELETE /api/me"] = Authorized("Accounts", 204, 400, 401, 403, 404, 429) with { ReadsJsonBody = true },

        ["GET /api/events"] = Anonymous("Catalog", 200),
        ["GET /api/events/{id}"] = Anonymous("Catalog", 200, 404),
        ["POST /api/events"] = Authorized("Catalog", 201, 400, 401, 403) with { ReadsJsonBody = true },
        ["PUT /api/events/{eventId}/ticket-types/{id}/capacity"] = Authorized("Catalog", 200, 400, 401, 403, 404, 409) with { ReadsJsonBody = true },
        ["PUT /api/events/{id}"] = Authorized("Catalog", 200, 400, 401, 403, 404) with { ReadsJsonBody = true },
        ["POST /api/events/{eventId}/ticket-types"] = Authorized("Catalog", 201, 400, 401, 403, 404) with { ReadsJsonBody = true },
        ["GET /api/events/{id}/sales"] = Authorized("Catalog", 200, 400, 401, 403, 404),

        ["POST /api/reservations"] = Authorized("Reservations", 200, 202, 400, 401, 403, 404, 409, 422, 429, 503, 504) with { ReadsJsonBody = true },
        ["GET /api/reservations/{id}"] = Authorized("Reservations", 200, 401, 404),
        ["DELETE /api/reservations/{id}"] = Authorized("Reservations", 200, 401, 404, 409),
        ["GET /api/me/reservations"] = Authorized("Reservations", 200, 401),
        ["GET /api/me/tickets"] = Authorized("Reservations", 200, 401),

        ["GET /api/me/notifications"] = Authorized("Notifications", 200, 400, 401),
        ["GET /api/me/notifications/stream"] = Authorized("Notifications", 200, 400, 401, 429),
        ["GET /api/me/recommendations"] = Authorized("Recommendations", 200, 400, 401),
        ["GET /api/me/loyalty"] = Authorized("Loyalty", 200, 401),

        ["GET /api/admin/notifications/failed-mails"] = Authorized("Operations", 200, 401, 403),
        ["POST /api/admin/notifications/failed-mails/{id}/retry"] = Authorized("Operations", 204, 401, 403, 404),
        ["GET /api/admin/messaging/subscriptions"] = Authorized("Operations", 200, 401, 403),
        ["GET /api/admin/invariants"] = Authorized("Operations", 200, 400, 401, 403),
        ["GET /api/admin/messaging/consumers/{consumer}/dead-letters"] = Authorized("Operations", 200, 401, 403, 404),
        ["POST /api/admin/messaging/consumers/{consumer}/dead-letters/{id}/redrive"] = Authorized("Operations", 200, 401, 403, 404, 409),
        ["POST /api/admin/messaging/consumers/{consumer}/reset"] = Authorized("Operations", 200, 400, 401, 403, 404, 409) with { ReadsJsonBody = true },
        ["GET /health/live"] = Anonymous("Operations", 200),
        ["GET /health/ready"] = Anonymous("Operations", 200, 503),
    };

    private IEnumerable<(string Key, JsonObject Operation)> DocumentedOperations() =>
        from path in fixture.Document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        select ($"{operation.Key.ToUpperInvariant()} {path.Key}", operation.Value!.AsObject());

    [Fact]
    public void Every_operation_documents_exactly_the_statuses_it_answers_and_none_is_missing_from_the_contract()
    {
        var documented = DocumentedOperations().ToDictionary(o => o.Key, o => o.Operation);

        documented.Keys.Except(Operations.Keys).ShouldBeEmpty("operations in the document but not in this test's table: document them and add them here");
        Operations.Keys.Except(documented.Keys).ShouldBeEmpty("operations in this test's table but not in the document");
        foreach (var (key, operation) in documented)
        {
            var statuses = operation["responses"]!.AsObject().Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).Order();
            statuses.ShouldBe(Operations[key].Statuses.Order(), $"{key} documents other statuses than it answers");
        }
    }

    [Fact]
    public void Every_operation_that_reads_a_JSON_body_documents_its_schema_and_an_example_that_fits_it()
    {
        foreach (var (key, operation) in DocumentedOperations())
        {
            var body = operation["requestBody"];
            if (!Operations[key].ReadsJsonBody)
            {
                body.ShouldBeNull($"{key} reads no body");
                continue;
            }

            var json = body?["content"]?["application/json"];
            json.ShouldNotBeNull($"{key} reads a JSON body but documents none");
            var schema = Resolve(json["schema"]);
            schema["type"]?.GetValue<string>().ShouldBe("object", $"{key}'s body schema");
            var properties = schema["properties"]!.AsObject().Select(p => p.Key).ToList();
            properties.ShouldNotBeEmpty($"{key}'s body schema has no properties");

            var example = json["example"] as JsonObject;
            example.ShouldNotBeNull($"{key} has no example body");
            example.Count.ShouldBeGreaterThan(0, $"{key}'s example is empty");
            example.Select(p => p.Key).Except(properties).ShouldBeEmpty($"{key}'s example has fields its schema does not");
            foreach (var (name, property) in schema["properties"]!.AsObject())
            {
                // Bodies are read with NumberHandling.Strict: "2" is not a quantity.
                var types = property!["type"] is JsonArray many ? many.Select(t => t!.GetValue<string>()).ToList() : [property["type"]?.GetValue<string>() ?? string.Empty];
                (types.Contains("string") && (types.Contains("integer") || types.Contains("number"))).ShouldBeFalse($"{key}'s {name} is documented as a number or a string");
            }
        }
    }

    [Fact]
    public void A_bearer_scheme_is_required_by_every_authorized_operation_and_by_no_anonymous_one()
    {
        var scheme = fixture.Document["components"]!["securitySchemes"]!["Bearer"]!;
        scheme["type"]!.GetValue<string>().ShouldBe("http");
        scheme["scheme"]!.GetValue<string>().ShouldBe("bearer");
        scheme["bearerFormat"]!.GetValue<string>().ShouldBe("JWT");

        foreach (var (key, operation) in DocumentedOperations())
        {
            var schemes = operation["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)).ToList() ?? [];
            if (Operations[key].Anonymous)
            {
                schemes.ShouldBeEmpty($"{key} is anonymous");
            }
            else
            {
                schemes.ShouldBe(["Bearer"], $"{key} needs a bearer token");
            }
        }
    }

    [Fact]
    public void Operations_are_tagged_by_service_and_the_document_describes_the_flow()
    {
        fixture.Document["info"]!["title"]!.GetValue<string>().ShouldBe("BoxOffice API");
        var description = fixture.Document["info"]!["description"]!.GetValue<string>();
        description.ShouldContain("202 Accepted");
        description.ShouldContain("Acquired");
        description.ShouldContain("Released");
        description.ShouldContain("/api/me/notifications/stream");

        var tags = fixture.Document["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
        tags.ShouldBe(["Accounts", "Catalog", "Reservations", "Notifications", "Recommendations", "Loyalty", "Operations"], ignoreOrder: true);
        fixture.Document["tags"]!.AsArray().ShouldAllBe(t => !string.IsNullOrWhiteSpace(t!["description"]!.GetValue<string>()));
        foreach (var (key, operation) in DocumentedOperations())
        {
            operation["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe([Operations[key].Tag], $"{key}'s tag");
        }
    }

    [Fact]
    public void Reserving_documents_its_202_with_a_Location_and_each_refusal_type_under_its_status()
    {
        var reserve = DocumentedOperations().Single(o => o.Key == "POST /api/reservations").Operation;
        var responses = reserve["responses"]!;

        responses["202"]!["headers"]!["Location"].ShouldNotBeNull();
        Resolve(responses["202"]!["content"]!["application/json"]!["schema"])["properties"]!.AsObject().Select(p => p.Key)
            .ShouldBe(["id", "status", "expiresAt"], ignoreOrder: true);
        Description(responses, "400").ShouldContain("`invalid-request`");
        Description(responses, "401").ShouldContain("`account-closed`");
        Description(responses, "403").ShouldContain("`age-restricted`");
        Description(responses, "404").ShouldContain("`not-found`");
        foreach (var type in new[] { "sold-out", "sales-closed", "pending-reservation-exists", "ticket-limit" })
        {
            Description(responses, "409").ShouldContain($"`{type}`");
        }

        Description(responses, "422").ShouldContain("`idempotency-key-reused`");
        Description(responses, "429").ShouldContain("`rate-limited`");
        Description(responses, "503").ShouldContain("`overloaded`");
        Description(responses, "503").ShouldContain("`unavailable`");
        reserve["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ShouldContain("Idempotency-Key");
    }

    [Fact]
    public void Created_resources_document_their_Location_and_every_problem_response_its_schema()
    {
        foreach (var key in new[] { "POST /api/accounts/register", "POST /api/events" })
        {
            DocumentedOperations().Single(o => o.Key == key).Operation["responses"]!["201"]!["headers"]!["Location"].ShouldNotBeNull($"{key}'s 201");
        }

        foreach (var (key, operation) in DocumentedOperations().Where(o => !o.Key.StartsWith("GET /health/", StringComparison.Ordinal)))
        {
            foreach (var (status, response) in operation["responses"]!.AsObject().Where(r => r.Key[0] is '4' or '5'))
            {
                var schema = response!["content"]?["application/problem+json"]?["schema"];
                schema.ShouldNotBeNull($"{key} {status} has no problem schema");
                Resolve(schema)["properties"]!["type"].ShouldNotBeNull($"{key} {status}'s schema is not a problem");
            }
        }
    }

    [Fact]
    public async Task The_reference_page_is_BoxOffice_s_with_bearer_authentication_and_no_cloud_features()
    {
        using var anonymous = fixture.App.Client();
        var page = await anonymous.GetStringAsync(new Uri("/scalar/", UriKind.Relative), TestContext.Current.CancellationToken);

        page.ShouldContain("<title>BoxOffice API</title>");
        page.ShouldContain("\"preferredSecurityScheme\":[\"Bearer\"]");
        page.ShouldContain("\"hideClientButton\":true");
        page.ShouldContain("\"telemetry\":false");
        page.ShouldContain("\"showDeveloperTools\":\"never\"");
        page.ShouldContain("\"agent\":{\"disabled\":true}");
        page.ShouldContain("\"mcp\":{\"disabled\":true}");
        page.ShouldNotContain("persistAuth", Case.Insensitive);
    }

    private static string Description(JsonNode responses, string status) =>
        responses[status]?["description"]?.GetValue<string>() ?? throw new ShouldAssertException($"no {status} response");

    /// <summary>The schema itself, following a <c>$ref</c> into the components.</summary>
    private JsonNode Resolve(JsonNode? schema)
    {
        schema.ShouldNotBeNull();
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            const string prefix = "#/components/schemas/";
            reference.ShouldStartWith(prefix);
            var target = fixture.Document["components"]!["schemas"]![reference[prefix.Length..]];
            target.ShouldNotBeNull($"{reference} does not resolve");
            return target;
        }

        return schema;
    }
}
