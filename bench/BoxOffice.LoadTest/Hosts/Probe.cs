namespace BoxOffice.LoadTest.Hosts;

internal static class Probe
{
    /// <summary>True when <c>/health/ready</c> answers 200; false on any other answer or none.</summary>
    public static async Task<bool> ReadyAsync(HttpClient http, Uri address, CancellationToken ct, string path = "/health/ready")
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var response = await http.GetAsync(new Uri(address, path), attempt.Token);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
