using System.Globalization;
using BoxOffice.Messaging.Hosting;
using BoxOffice.Messaging.Operations;
using BoxOffice.Messaging.Storage;
using BoxOffice.Messaging.Testbed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The process the kill -9 test kills: it produces `total` numbered events into the shop's log and
// two consumers (alpha: every type; beta: Counted only) apply them, each in its own database. It
// resumes from its databases after every kill and exits 0 once both consumers have caught up.
// Usage: Testbed <data directory> <total> <batch> <pause ms>
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: BoxOffice.Messaging.Testbed <data directory> <total> <batch> <pause ms>");
    return 2;
}

var total = long.Parse(args[1], CultureInfo.InvariantCulture);
var batch = int.Parse(args[2], CultureInfo.InvariantCulture);
var pause = TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture));

var builder = Host.CreateApplicationBuilder();
builder.Configuration["BoxOffice:DataDirectory"] = args[0];
builder.Configuration["Messaging:BatchSize"] = "100";
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddMessaging(builder.Configuration)
    .AddDatabase("shop", Shop.Schema)
    .AddDatabase("alpha", Recorder.Schema)
    .AddDatabase("beta", Recorder.Schema)
    .AddConsumer("alpha", "alpha", c => c.Handle<Counted, RecordCounted>().Handle<Noted, RecordNoted>())
    .AddConsumer("beta", "beta", c => c.Handle<Counted, RecordCounted>());

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("ready");

var shop = host.Services.GetRequiredKeyedService<ServiceDatabase>("shop");
var admin = host.Services.GetRequiredService<MessagingAdmin>();
long produced;
do
{
    produced = await Shop.ProduceAsync(shop, batch, total, noteEvery: 10);
    await Task.Delay(pause);
}
while (produced < total);

Console.WriteLine($"produced {produced}");
var deadline = DateTime.UtcNow.AddMinutes(2);
while (DateTime.UtcNow < deadline)
{
    var subscriptions = await admin.SubscriptionsAsync();
    if (subscriptions.All(s => s.Lag == 0))
    {
        Console.WriteLine("done");
        await host.StopAsync();
        return 0;
    }

    await Task.Delay(20);
}

Console.Error.WriteLine("consumers did not catch up within 2 minutes");
return 1;
