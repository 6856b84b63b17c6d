using System.Text;
using System.Text.Json;

namespace BoxOffice.Notifications.Tests.Support;

/// <summary>One Server-Sent Events frame: an event with its id and data, or a comment.</summary>
internal sealed record SseFrame(string? Id, string? Event, string? Data, string? Comment)
{
    public JsonElement Json => JsonDocument.Parse(Data!).RootElement.Clone();
}

/// <summary>Reads a live stream frame by frame, as a browser's EventSource would.</summary>
internal sealed class SseClient : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public static async Task<SseClient> ConnectAsync(NotificationsWorld world, Buyer buyer, string? lastEventId = null, string query = "")
    {
        var request = world.Get("/api/me/notifications/stream" + query, buyer);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await world.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        return new SseClient(response, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The next frame, skipping heartbeats unless asked for them.</summary>
    public async Task<SseFrame> NextAsync(bool heartbeats = false, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            string? id = null, name = null, comment = null;
            var data = new StringBuilder();
            while (true)
            {
                var line = await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("The stream ended.");
                if (line.Length == 0)
                {
                    break;
                }

                if (line.StartsWith(':'))
                {
                    comment = line[1..].Trim();
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line[6..]);
                }
            }

            var frame = new SseFrame(id, name, data.Length == 0 ? null : data.ToString(), comment);
            if (frame.Comment is not null && frame.Event is null && !heartbeats)
            {
                continue;
            }

            return frame;
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
