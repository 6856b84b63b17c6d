using BoxOffice.Gateway.Tests.Support;

namespace BoxOffice.Gateway.Tests;

public sealed class StreamingEvents
{
    [Fact]
    public async Task A_live_stream_event_reaches_the_client_while_the_service_still_holds_the_stream_open()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var client = gateway.Client();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(15));

        using var response = await client.GetAsync(new Uri(StubService.StreamPath, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));

        // The stub has written one event and now waits: a buffering proxy would hold it back.
        (await reader.ReadLineAsync(deadline.Token)).ShouldBe("data: first from notifications");
        (await reader.ReadLineAsync(deadline.Token)).ShouldBe("");

        gateway.Stub("notifications").ReleaseStream();
        (await reader.ReadLineAsync(deadline.Token)).ShouldBe("data: second");
        (await reader.ReadToEndAsync(deadline.Token)).ShouldBe("\n");
    }
}
