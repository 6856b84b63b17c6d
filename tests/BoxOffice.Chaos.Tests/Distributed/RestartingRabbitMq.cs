using System.Diagnostics;
using BoxOffice.Distributed.Tests.Support;
using BoxOffice.Testing;

namespace BoxOffice.Chaos.Tests.Distributed;

/// <summary>The broker restarts in the middle of a run: relays and consumers reconnect and resume.</summary>
public sealed class RestartingRabbitMq(SharedDeployment shared)
{
    [Fact]
    public async Task Loses_nothing_and_applies_nothing_twice()
    {
        var deployment = await shared.GetAsync();
        RequireBrokerControl();
        var (eventId, type) = await deployment.CreateEventAsync(capacity: 200, maxPerOrder: 1);
        var buyers = await deployment.BuyersAsync(40);
        try
        {
            var reservations = new List<(HttpClient Buyer, Guid Id)>();
            // No other test of this run uses the broker while it restarts (the gate waits for them).
            using (await BrokerGate.ExclusiveAsync(TestContext.Current.CancellationToken))
            {
                var stopped = false;
                try
                {
                    for (var i = 0; i < buyers.Length; i++)
                    {
                        reservations.Add((buyers[i], await buyers[i].ReserveAcceptedAsync(type, 1)));
                        if (i == 15)
                        {
                            // Accepting goes on while the broker is down: the events wait in the services' logs.
                            await Rabbitmqctl("stop_app");
                            stopped = true;
                        }
                        else if (i == 25)
                        {
                            await StartBrokerAsync();
                            stopped = false;
                        }
                    }
                }
                finally
                {
                    // A failure while it was down must not leave the broker stopped for the tests after this one.
                    if (stopped)
                    {
                        await StartBrokerAsync();
                    }
                }

                var finals = await Task.WhenAll(reservations.Select(r => r.Buyer.FinalAsync(r.Id, seconds: 180, deployment: deployment)));
                finals.ShouldAllBe(r => r.Status() == "Acquired", deployment.Output[^Math.Min(4000, deployment.Output.Length)..]);
            }

            foreach (var (_, id) in reservations)
            {
                (await deployment.LedgerAsync(id)).Count.ShouldBe(1, $"reservation {id} is charged once");
                await Eventually.HoldsAsync(() => deployment.CountAsync("notifications", $"SELECT COUNT(*) FROM feed WHERE reservation_id = '{id}'"),
                    c => c == 1, $"the buyer of {id} is told once", TimeSpan.FromSeconds(60));
            }

            (await deployment.CountAsync("tickets", $"SELECT COUNT(*) FROM tickets WHERE event_id = '{eventId}'")).ShouldBe(reservations.Count);
            await deployment.UntilInvariantsHoldAsync("after RabbitMQ restarted mid-run");
        }
        finally
        {
            foreach (var buyer in buyers)
            {
                buyer.Dispose();
            }
        }
    }

    private static void RequireBrokerControl()
    {
        if (File.Exists("/usr/sbin/rabbitmqctl") && Environment.UserName == "root")
        {
            return;
        }

        const string why = "restarting RabbitMQ needs rabbitmqctl, run as root (CI runs as root)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true and the broker restart test cannot run: {why}");
        }

        Assert.Skip(why);
    }

    private static async Task StartBrokerAsync()
    {
        await Rabbitmqctl("start_app");
        await Rabbitmqctl("await_startup");
    }

    private static async Task Rabbitmqctl(string command)
    {
        var info = new ProcessStartInfo("/usr/sbin/rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-q");
        info.ArgumentList.Add(command);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)
            + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        process.ExitCode.ShouldBe(0, $"rabbitmqctl {command}: {output}");
    }
}
