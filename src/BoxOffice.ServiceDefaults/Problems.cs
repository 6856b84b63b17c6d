using Microsoft.AspNetCore.Http;

namespace BoxOffice.ServiceDefaults;

/// <summary>
/// RFC 9457 problem details with a stable <c>type</c> per failure, so clients can act on the kind of
/// refusal without parsing the human <c>detail</c>.
/// </summary>
public static class Problems
{
    /// <summary>The base of every problem type URI; the last segment is the stable name.</summary>
    public const string TypeBase = "https://boxoffice.local/problems/";

    /// <summary>A problem response of the given kind.</summary>
    public static IResult Result(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + type, extensions: extensions);

    /// <summary>400 with the invalid fields and why.</summary>
    public static IResult Validation(IDictionary<string, string[]> errors, string detail = "The request is not valid.") =>
        TypedResults.ValidationProblem(errors, detail: detail, type: TypeBase + "invalid-request", title: "Invalid request");

    /// <summary>404: unknown, or not the caller's (never tell the two apart).</summary>
    public static IResult NotFound(string detail) => Result(StatusCodes.Status404NotFound, "not-found", "Not found", detail);
}
