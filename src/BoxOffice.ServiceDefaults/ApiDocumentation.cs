using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BoxOffice.ServiceDefaults;

/// <summary>Endpoint metadata: the problem <c>type</c>s an endpoint can answer with under one status.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Types">The stable names (the last segment of <see cref="Problems.TypeBase"/> URIs).</param>
public sealed record ProblemTypesMetadata(int Status, IReadOnlyList<string> Types);

/// <summary>
/// Endpoint metadata: the JSON request body the handler reads itself, and an example of it as it
/// goes on the wire. Documentation only: unlike <c>Accepts&lt;T&gt;</c>, it takes no part in routing,
/// so a body of another content type still reaches the handler and gets its 400 problem, not a 415.
/// </summary>
/// <param name="Type">The body's type.</param>
/// <param name="Example">The example, serialized with the endpoint's own strict reader's settings.</param>
public sealed record JsonBodyMetadata(Type Type, string Example);

/// <summary>Endpoint metadata: a query or header parameter the handler reads by hand (so it is not bound, nor inferred).</summary>
/// <param name="In"><c>query</c> or <c>header</c>.</param>
/// <param name="Name">The parameter's name.</param>
/// <param name="Description">What it means and what values it takes.</param>
/// <param name="Integer">Whether it is a whole number (else a string).</param>
public sealed record ParameterMetadata(string In, string Name, string Description, bool Integer = false);

/// <summary>Endpoint metadata: the response with this status carries a <c>Location</c> header.</summary>
/// <param name="Status">The HTTP status (201 or 202).</param>
/// <param name="Description">Where it points.</param>
public sealed record LocationHeaderMetadata(int Status, string Description);

/// <summary>
/// What the OpenAPI document says about an endpoint that reads its body by hand or answers with
/// <see cref="IResult"/>: the framework cannot infer either, so each slice states them beside its
/// mapping, and the host's document transformers render them (request example, Location header,
/// problem types in the response descriptions). 401/403 from authorization and 429 from rate
/// limiting are added by the host from the endpoint's own authorization and rate-limit metadata.
/// </summary>
public static class ApiDocumentation
{
    /// <summary>
    /// The body is JSON of type <typeparamref name="T"/>, read with <paramref name="typeInfo"/>
    /// (as <see cref="JsonBody.ReadAsync"/> does); <paramref name="example"/> is shown as its example.
    /// Adds the 400 <c>invalid-request</c> every strictly read body can answer with.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder endpoint, T example, JsonTypeInfo<T> typeInfo)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint
            .WithMetadata(new JsonBodyMetadata(typeof(T), WithoutNulls(JsonSerializer.SerializeToNode(example, typeInfo))))
            .ProducesProblems(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest.Name);
    }

    /// <summary>
    /// The endpoint can answer <paramref name="status"/> with a problem of each of <paramref name="types"/>
    /// (400 as a validation problem with the invalid fields). Calls for one status add up. Each name
    /// must be in <see cref="ProblemTypes"/> with that status: a typo fails at mapping, not in a client.
    /// </summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder endpoint, int status, params string[] types)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(types);
        foreach (var type in types)
        {
            _ = ProblemTypes.Get(type, status);
        }

        var documented = status == StatusCodes.Status400BadRequest
            ? endpoint.ProducesValidationProblem()
            : endpoint.ProducesProblem(status);
        return documented.WithMetadata(new ProblemTypesMetadata(status, types));
    }

    /// <summary>The handler reads query parameter <paramref name="name"/> itself.</summary>
    public static RouteHandlerBuilder WithQueryParameter(this RouteHandlerBuilder endpoint, string name, string description, bool integer = false) =>
        endpoint.WithMetadata(new ParameterMetadata("query", name, description, integer));

    /// <summary>The handler reads request header <paramref name="name"/> itself.</summary>
    public static RouteHandlerBuilder WithHeaderParameter(this RouteHandlerBuilder endpoint, string name, string description) =>
        endpoint.WithMetadata(new ParameterMetadata("header", name, description));

    /// <summary>The endpoint answers <paramref name="status"/> with a <typeparamref name="T"/> and a <c>Location</c> header.</summary>
    public static RouteHandlerBuilder ProducesWithLocation<T>(this RouteHandlerBuilder endpoint, int status, string location)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Produces<T>(status).WithMetadata(new LocationHeaderMetadata(status, location));
    }

    // Optional fields left out of an example are clearer than a list of nulls (a reset takes one of three shapes).
    private static string WithoutNulls(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var name in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
            {
                obj.Remove(name);
            }
        }

        return node?.ToJsonString() ?? "null";
    }
}
