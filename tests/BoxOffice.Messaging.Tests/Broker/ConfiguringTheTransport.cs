using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.Options;

namespace BoxOffice.Messaging.Tests.Broker;

public sealed class ConfiguringTheTransport
{
    [Theory]
    [InlineData(null, "ConnectionStrings:RabbitMq is not set")]
    [InlineData("amqp://guest:guest@127.0.0.1:5672/", "'guest'")]
    [InlineData("amqp://127.0.0.1:5672/", "'guest'")]
    [InlineData("http://boxoffice:secret@127.0.0.1/", "not an AMQP URI")]
    public async Task RabbitMq_is_refused_at_start_without_a_broker_or_with_the_guest_account(string? uri, string message)
    {
        using var dir = new TempDirectory("broker");
        var failure = await Should.ThrowAsync<OptionsValidationException>(() => TestHost.StartAsync(dir.Path, m => m.WithShop(),
            settings: new Dictionary<string, string?> { ["Messaging:Transport"] = "RabbitMq", ["ConnectionStrings:RabbitMq"] = uri }));

        failure.Message.ShouldContain(message);
    }
}
