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

    /// <summary>A problem response of a kind in the catalogue (<see cref="ProblemTypes"/>): its status, type URI and title.</summary>
    public static IResult Result(ProblemType type, string detail, IDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        return TypedResults.Problem(detail: detail, statusCode: type.Status, title: type.Title, type: type.Uri, extensions: extensions);
    }

    /// <summary>
    /// A problem response spelled out by hand. Prefer <see cref="Result(ProblemType, string, IDictionary{string, object?}?)"/>
    /// with a <see cref="ProblemTypes"/> entry: the names are a contract and live there.
    /// </summary>
    public static IResult Result(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + type, extensions: extensions);

    /// <summary>400 with the invalid fields and why.</summary>
    public static IResult Validation(IDictionary<string, string[]> errors, string detail = "The request is not valid.") =>
        TypedResults.ValidationProblem(errors, detail: detail, type: ProblemTypes.InvalidRequest.Uri, title: ProblemTypes.InvalidRequest.Title);

    /// <summary>404: unknown, or not the caller's (never tell the two apart).</summary>
    public static IResult NotFound(string detail) => Result(ProblemTypes.NotFound, detail);
}
