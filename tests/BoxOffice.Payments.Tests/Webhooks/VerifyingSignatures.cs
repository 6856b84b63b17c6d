using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BoxOffice.Payments.Webhooks;

namespace BoxOffice.Payments.Tests.Webhooks;

/// <summary>The webhook signature check, against signatures computed here from the spec.</summary>
public sealed class VerifyingSignatures
{
    private const string Secret = "whsec_test_signing_secret_0123";
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"payment_intent.succeeded"}""");

    internal static string Signature(string secret, DateTimeOffset at, byte[] body)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        byte[] signed = [.. Encoding.UTF8.GetBytes(t + "."), .. body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    [Fact]
    public void A_fresh_signature_of_the_body_with_the_secret_is_valid() =>
        WebhookSignature.IsValid(Signature(Secret, Now.AddSeconds(-30), Body), Body, Secret, Now).ShouldBeTrue();

    [Fact]
    public void One_matching_signature_among_several_is_enough()
    {
        var header = Signature(Secret, Now, Body) + ",v1=" + new string('0', 64);

        WebhookSignature.IsValid(header, Body, Secret, Now).ShouldBeTrue();
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_refused() =>
        WebhookSignature.IsValid(Signature("whsec_other", Now, Body), Body, Secret, Now).ShouldBeFalse();

    [Fact]
    public void A_changed_body_is_refused() =>
        WebhookSignature.IsValid(Signature(Secret, Now, Body), [.. Body, (byte)' '], Secret, Now).ShouldBeFalse();

    [Fact]
    public void A_signature_older_than_five_minutes_is_refused()
    {
        WebhookSignature.IsValid(Signature(Secret, Now.AddMinutes(-5).AddSeconds(-1), Body), Body, Secret, Now).ShouldBeFalse();
        WebhookSignature.IsValid(Signature(Secret, Now.AddMinutes(-5).AddSeconds(1), Body), Body, Secret, Now).ShouldBeTrue();
    }

    [Fact]
    public void A_signature_from_far_in_the_future_is_refused() =>
        WebhookSignature.IsValid(Signature(Secret, Now.AddMinutes(6), Body), Body, Secret, Now).ShouldBeFalse();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=,v1=")]
    [InlineData("t=abc,v1=00")]
    [InlineData("v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1893553445")]
    [InlineData("t=1893553445,v1=zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=99999999999999999999,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    public void A_missing_or_malformed_header_is_refused(string? header) =>
        WebhookSignature.IsValid(header, Body, Secret, Now).ShouldBeFalse();
}
