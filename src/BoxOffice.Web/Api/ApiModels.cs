namespace BoxOffice.Web.Api;

// The web app's reading of the BoxOffice HTTP API's JSON (camelCase). It talks to the API over HTTP
// only, like any other client, so the same pages run embedded or as their own process behind the gateway.

internal sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

internal sealed record Profile(Guid Id, string Email, string DisplayName, DateOnly BirthDate, IReadOnlyList<string> Roles);

internal sealed record TicketType(Guid Id, string Name, long Price, string Currency, int Capacity, int Available, int MaxPerOrder);

internal sealed record EventInfo(
    Guid Id,
    string Name,
    string Venue,
    string City,
    string Category,
    IReadOnlyList<string> Performers,
    DateTimeOffset StartsAt,
    int MinimumAge,
    string Description,
    IReadOnlyList<TicketType> TicketTypes)
{
    public bool SoldOut => TicketTypes.All(t => t.Available == 0);
}

internal sealed record AcceptedReservation(Guid Id, string Status, DateTimeOffset ExpiresAt);

internal sealed record TicketCode(string Code);

internal sealed record Reservation(
    Guid Id,
    string Status,
    Guid EventId,
    Guid TicketTypeId,
    int Quantity,
    long Amount,
    string Currency,
    DateTimeOffset ExpiresAt,
    string PaymentStatus,
    string? ChallengeUrl,
    string? FailureReason,
    IReadOnlyList<TicketCode> Tickets);

internal sealed record OwnedTicket(string Code, Guid EventId, Guid TicketTypeId, Guid ReservationId);

internal sealed record FeedEntry(long Id, string Kind, string Text, Guid? ReservationId, DateTimeOffset CreatedAt);

internal sealed record PointsEntry(Guid ReservationId, string Kind, long Points, string Reason, DateTimeOffset OccurredAt);

internal sealed record Loyalty(long Points, IReadOnlyList<PointsEntry> History);

internal sealed record Recommendation(Guid EventId, string Name, double Score, string Reason);

internal sealed record TicketTypeSales(Guid Id, string Name, long Price, string Currency, int Capacity, int Held, int Sold, int Available);

internal sealed record SalesPoint(DateTimeOffset At, long Tickets);

internal sealed record Revenue(string Currency, long Amount);

internal sealed record EventSales(
    Guid EventId,
    string Name,
    IReadOnlyList<TicketTypeSales> TicketTypes,
    long Held,
    long Sold,
    long Released,
    long Expired,
    long Cancelled,
    IReadOnlyList<Revenue> Revenue,
    int BucketSeconds,
    IReadOnlyList<SalesPoint> SoldOverTime);

internal sealed record Subscription(string Consumer, string Source, long Position, long Head, string State, long Lag);

internal sealed record DeadLetter(long Id, string Consumer, string Source, long Sequence, Guid EventId, string Type, string Error, int Attempts, DateTimeOffset DeadAt);

internal sealed record FailedMail(long NotificationId, string UserId, string? To, string Kind, string Subject, int Attempts, string? Error, DateTimeOffset CreatedAt);

/// <summary>An RFC 9457 problem the API answered with; <see cref="Name"/> is the stable last segment of its type.</summary>
internal sealed record ApiProblem(int Status, string? Type, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    public string Name => Type is { } type && type.LastIndexOf('/') is var slash and >= 0 ? type[(slash + 1)..] : "";

    /// <summary>What to tell a person: the API's human detail, else its title.</summary>
    public string Message => !string.IsNullOrWhiteSpace(Detail) ? Detail : Title ?? $"The request failed ({Status}).";
}

/// <summary>An API answer: the value, or the problem.</summary>
internal sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;
}
