using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace BoxOffice.ServiceDefaults;

/// <summary>
/// Reads a JSON request body strictly: bounded in size, unknown properties refused, every failure a
/// 400 problem with type <c>invalid-request</c> and a detail that says what is wrong.
/// </summary>
public static class JsonBody
{
    /// <summary>The default largest body accepted.</summary>
    public const int DefaultMaxBytes = 16 * 1024;

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer with.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, int maxBytes = DefaultMaxBytes)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        if (!request.HasJsonContentType())
        {
            return (null, Invalid("body", "The body must be JSON (Content-Type: application/json)."));
        }

        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            var value = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), typeInfo);
            return value is null ? (null, Invalid("body", "The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (null, Invalid(field, Explain(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ex, field, typeInfo)));
        }
    }

    /// <summary>
    /// What is wrong, in the API's words: the serializer's own message names .NET types and
    /// members, which mean nothing to a caller and tell an attacker about the code.
    /// </summary>
    private static string Explain(ReadOnlySpan<byte> body, JsonException error, string field, JsonTypeInfo root)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"The body is not valid JSON (line {(error.LineNumber ?? 0) + 1}, byte {(error.BytePositionInLine ?? 0) + 1}).");
        }

        if (field == "body")
        {
            return "The body must be a JSON object of the expected shape.";
        }

        return Find(root, field) switch
        {
            null => $"'{field}' is not a property of this request.",
            { } type => $"'{field}' must be {Describe(type)}.",
        };
    }

    /// <summary>The type a path such as <c>ticketTypes[0].price</c> leads to, or null when it names no property.</summary>
    private static Type? Find(JsonTypeInfo root, string path)
    {
        var current = root;
        Type? found = null;
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment;
            var indexed = segment.IndexOf('[', StringComparison.Ordinal);
            if (indexed >= 0)
            {
                name = segment[..indexed];
            }

            var property = current.Properties.FirstOrDefault(p => p.Name == name);
            if (property is null)
            {
                return null;
            }

            found = property.PropertyType;
            current = current.Options.GetTypeInfo(found);
            for (var i = indexed; i >= 0 && current.ElementType is { } element; i = segment.IndexOf('[', i + 1))
            {
                found = element;
                current = current.Options.GetTypeInfo(element);
            }
        }

        return found;
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
            _ when type == typeof(decimal) || type == typeof(double) => "a number",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(Guid) => "a UUID",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time (ISO 8601, for example 2027-06-14T19:30:00Z)",
            _ when type == typeof(DateOnly) => "a date (YYYY-MM-DD)",
            _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ when type != typeof(string) && type.IsAssignableTo(typeof(System.Collections.IEnumerable)) => "an array",
            _ => "an object",
        };
    }

    private static IResult TooLarge(int maxBytes) => Invalid("body", $"The body is larger than {maxBytes} bytes.");

    private static IResult Invalid(string field, string message) =>
        Problems.Validation(new Dictionary<string, string[]> { [field] = [message] }, message);
}
