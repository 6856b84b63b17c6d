using BoxOffice.PaymentGateway;
using Microsoft.Extensions.Options;

// The simulator as its own process (the distributed deployment runs it so): PaymentGateway:WebhookSecret
// and PaymentGateway:WebhookUrl say how and where it signs and sends its webhooks.
try
{
    PaymentGatewayApp.Build(args).Run();
    return 0;
}
catch (OptionsValidationException refused)
{
    await Console.Error.WriteLineAsync($"Cannot start the payment gateway simulator: {refused.Message}");
    return 1;
}
