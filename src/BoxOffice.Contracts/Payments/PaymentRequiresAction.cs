using System.Text.Json.Serialization.Metadata;

namespace BoxOffice.Contracts.Payments;

/// <summary>The gateway asks the buyer to complete a challenge (an OTP) before it charges.</summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="ReservationId">The reservation.</param>
/// <param name="UserId">The buyer.</param>
/// <param name="ChallengeUrl">Where the buyer completes the challenge.</param>
public sealed record PaymentRequiresAction(
    Guid PaymentId,
    Guid ReservationId,
    Guid UserId,
    Uri ChallengeUrl) : IEvent<PaymentRequiresAction>
{
    /// <inheritdoc />
    public static string WireName => "payments.requires-action.v1";

    /// <inheritdoc />
    public static JsonTypeInfo<PaymentRequiresAction> JsonTypeInfo => ContractsJson.Default.PaymentRequiresAction;
}
