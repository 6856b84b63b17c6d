using BoxOffice.ServiceDefaults;

namespace BoxOffice.Payments.Tests.Charging;

/// <summary>The sealed payment token: only the Payments key opens it.</summary>
public sealed class OpeningTokens
{
    private static readonly PaymentTokenPrivateKey Key = PaymentTokenPrivateKey.FromPem(PaymentTokenSeal.NewPrivateKeyPem());

    [Fact]
    public void A_sealed_token_hides_the_token_and_opens_with_the_private_key_only()
    {
        var sealedToken = PaymentTokenSeal.Seal("tok_visa", Key.PublicKey);

        sealedToken.ShouldNotContain("tok_visa");
        PaymentTokenSeal.Seal("tok_visa", Key.PublicKey).ShouldNotBe(sealedToken); // randomized: equal tokens do not show as equal
        PaymentTokenSeal.TryOpen(sealedToken, Key, out var token).ShouldBeTrue();
        token.ShouldBe("tok_visa");
        using var other = PaymentTokenPrivateKey.FromPem(PaymentTokenSeal.NewPrivateKeyPem());
        PaymentTokenSeal.TryOpen(sealedToken, other, out _).ShouldBeFalse();
        PaymentTokenSeal.TryOpen("tok_visa", Key, out _).ShouldBeFalse();
        PaymentTokenSeal.TryOpen("rsa-oaep-sha256:!!!", Key, out _).ShouldBeFalse();
        PaymentTokenSeal.TryOpen(sealedToken[..^8] + "AAAAAAA=", Key, out _).ShouldBeFalse();
    }

    [Fact]
    public void One_key_seals_and_opens_from_many_threads_at_once()
    {
        var tokens = Enumerable.Range(0, 64).Select(i => "tok_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var sealedTokens = new string[tokens.Length];
        Parallel.For(0, tokens.Length, i => sealedTokens[i] = PaymentTokenSeal.Seal(tokens[i], Key.PublicKey));
        var opened = new string?[tokens.Length];
        Parallel.For(0, tokens.Length, i => opened[i] = PaymentTokenSeal.TryOpen(sealedTokens[i], Key, out var token) ? token : null);

        opened.ShouldBe(tokens);
    }

    [Fact]
    public void A_key_shorter_than_2048_bits_is_refused()
    {
        using var small = System.Security.Cryptography.RSA.Create(1024);
        Should.Throw<InvalidOperationException>(() => PaymentTokenPrivateKey.FromPem(small.ExportPkcs8PrivateKeyPem()));
        Should.Throw<InvalidOperationException>(() => PaymentTokenPublicKey.FromPem("not a key"));
    }
}
