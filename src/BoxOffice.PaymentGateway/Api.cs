using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BoxOffice.PaymentGateway;

/// <summary>
/// A JSON answer of the API, kept as text: the idempotency records store exactly this, so a repeated
/// request gets the first answer byte for byte.
/// </summary>
internal sealed record ApiResponse(int StatusCode, string Body) : IResult
{
    // Answers go to API clients, never into HTML, so quotes and accents need not be escaped.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public static ApiResponse Ok<T>(T value) => new(StatusCodes.Status200OK, JsonSerializer.Serialize(value, Json));

    public static ApiResponse InvalidRequest(string message) => Error(StatusCodes.Status400BadRequest, "invalid_request_error", message);

    public static ApiResponse NotFound(string message) => Error(StatusCodes.Status404NotFound, "invalid_request_error", message);

    public static ApiResponse IdempotencyError() => Error(StatusCodes.Status400BadRequest, "idempotency_error",
        "This Idempotency-Key was first used with other parameters; use a new key for a new request.");

    /// <summary>400 as Stripe answers an action the intent's status does not allow (cancelling a succeeded payment, say).</summary>
    public static ApiResponse UnexpectedState(string message) =>
        new(StatusCodes.Status400BadRequest, JsonSerializer.Serialize(
            new { error = new { type = "invalid_request_error", code = "payment_intent_unexpected_state", message } }, Json));

    public static ApiResponse ApiError(string message) => Error(StatusCodes.Status500InternalServerError, "api_error", message);

    /// <summary>A 5xx answer (500, 502, 503 …) of a provider that did nothing.</summary>
    public static ApiResponse ServerError(int statusCode, string message) => Error(statusCode, "api_error", message);

    /// <summary>503 with Retry-After: the provider is down for about <paramref name="retryAfter"/> more.</summary>
    public static ApiResponse Unavailable(string message, TimeSpan retryAfter) =>
        Error(StatusCodes.Status503ServiceUnavailable, "api_error", message) with { RetryAfterSeconds = (int)Math.Ceiling(retryAfter.TotalSeconds) };

    /// <summary>Sent as the Retry-After header when set.</summary>
    public int? RetryAfterSeconds { get; init; }

    private static ApiResponse Error(int statusCode, string type, string message) =>
        new(statusCode, JsonSerializer.Serialize(new { error = new { type, message } }, Json));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        if (RetryAfterSeconds is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        httpContext.Response.ContentType = "application/json; charset=utf-8";
        return httpContext.Response.WriteAsync(Body, Encoding.UTF8, httpContext.RequestAborted);
    }
}

internal static class ApiRequest
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Reads the JSON body; a malformed one is the caller's error, answered as Stripe would.</summary>
    public static async Task<(T? Value, ApiResponse? Error)> ReadJsonAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, ApiResponse.Json, ct);
            return value is null ? (null, ApiResponse.InvalidRequest("The request body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, ApiResponse.InvalidRequest($"The request body is not valid: {e.Message}"));
        }
    }

    public static string? IdempotencyKey(HttpRequest request)
    {
        var key = request.Headers[IdempotencyKeyHeader].ToString().Trim();
        return key.Length is > 0 and <= 255 ? key : null;
    }

    /// <summary>
    /// A canonical fingerprint of a request's parameters. A JSON array of the values (with the
    /// endpoint first) has no delimiter ambiguity; metadata is passed with its keys already sorted.
    /// </summary>
    public static string Fingerprint(params object?[] values) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(values, ApiResponse.Json)));
}

internal static class Ids
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A Stripe-looking id such as <c>pi_3fK9…</c>.</summary>
    public static string New(string prefix) => prefix + "_" + RandomNumberGenerator.GetString(Alphabet, 24);
}
