namespace BoxOffice.PaymentGateway;

/// <summary>
/// Where the gateway sends its webhooks, for a host that learns its own address only after it has
/// started. <c>PaymentGateway:WebhookUrl</c>, when set, takes precedence. While neither is set,
/// webhooks stay pending and are retried later.
/// </summary>
public sealed class WebhookTarget
{
    /// <summary>The absolute URL webhooks are POSTed to; null while unknown.</summary>
    public Uri? Url { get; set; }
}
