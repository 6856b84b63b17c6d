using BoxOffice.Messaging.Consuming;
using BoxOffice.Messaging.Tests.Support;
using BoxOffice.Testing;
using Microsoft.Extensions.Options;

namespace BoxOffice.Messaging.Tests.Consuming;

/// <summary><c>Messaging:Faults:&lt;consumer&gt;</c>: a consumer fails on one event type on purpose, to show the dead-letter path.</summary>
public sealed class FaultingForADemo
{
    private static Task<TestHost> StartAsync(string path, string? fault, string environment = "Development") =>
        TestHost.StartAsync(path,
            m => m.WithShop().WithRecorderDatabase("alpha").WithRecorderDatabase("beta")
                .WithFullRecorder("faulty", "alpha")
                .WithFullRecorder("bystander", "beta"),
            settings: fault is null ? null : new Dictionary<string, string?> { ["Messaging:Faults:faulty"] = fault },
            environment: environment);

    [Fact]
    public async Task The_faulted_consumer_dead_letters_exactly_that_type_after_its_attempts_and_keeps_applying_the_others()
    {
        using var dir = new TempDirectory("messaging");
        await using var host = await StartAsync(dir.Path, "shop.noted.v1");

        await Testbed.Shop.ProduceAsync(host.Shop(), 10, noteEvery: 5, ct: TestContext.Current.CancellationToken);
        await host.CaughtUpAsync();

        var letters = await host.Admin.DeadLettersAsync("faulty", ct: TestContext.Current.CancellationToken);
        letters.Count.ShouldBe(2);
        letters.ShouldAllBe(l => l.Type == "shop.noted.v1" && l.Attempts == 5);
        letters[0].Error.ShouldContain("Demo fault: consumer 'faulty' fails on every 'shop.noted.v1' because the setting Messaging:Faults:faulty is set.");
        (await host.AppliedAsync("alpha", "faulty")).ShouldBe(10);
        (await host.AppliedAsync("alpha", "faulty", "shop.noted.v1")).ShouldBe(0);
        (await host.Admin.DeadLettersAsync("bystander", ct: TestContext.Current.CancellationToken)).ShouldBeEmpty();
        (await host.AppliedAsync("beta", "bystander")).ShouldBe(10);
        (await host.AppliedAsync("beta", "bystander", "shop.noted.v1")).ShouldBe(2);
    }

    [Fact]
    public async Task A_redrive_fails_while_the_fault_is_set_and_applies_once_after_a_restart_without_it()
    {
        using var dir = new TempDirectory("messaging");
        long letter;
        await using (var faulted = await StartAsync(dir.Path, "shop.noted.v1"))
        {
            await Testbed.Shop.ProduceAsync(faulted.Shop(), 5, noteEvery: 5, ct: TestContext.Current.CancellationToken);
            await faulted.CaughtUpAsync();
            letter = (await faulted.Admin.DeadLettersAsync("faulty", ct: TestContext.Current.CancellationToken)).ShouldHaveSingleItem().Id;
            (await faulted.Admin.RedriveAsync("faulty", letter, TestContext.Current.CancellationToken)).Status.ShouldBe(RedriveStatus.Failed);
        }

        await using var fixedHost = await StartAsync(dir.Path, fault: null);

        (await fixedHost.Admin.RedriveAsync("faulty", letter, TestContext.Current.CancellationToken)).Status.ShouldBe(RedriveStatus.Applied);
        (await fixedHost.AppliedAsync("alpha", "faulty", "shop.noted.v1")).ShouldBe(1);
        (await fixedHost.Admin.DeadLettersAsync("faulty", ct: TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Production_with_a_fault_refuses_to_start_naming_the_setting()
    {
        using var dir = new TempDirectory("messaging");

        var refused = await Should.ThrowAsync<OptionsValidationException>(() => StartAsync(dir.Path, "shop.noted.v1", environment: "Production"));

        refused.Message.ShouldContain("Messaging:Faults is set, but demo faults are refused in Production");
        refused.Message.ShouldContain("Messaging__Faults__<consumer>");
    }

    [Fact]
    public async Task Other_environments_than_production_start_with_a_fault_and_production_starts_without_one()
    {
        using var dir = new TempDirectory("messaging");
        await using (await StartAsync(dir.Path, "shop.noted.v1", environment: "Demo"))
        {
        }

        await using (await StartAsync(dir.Path, fault: null, environment: "Production"))
        {
        }

        await using (await StartAsync(dir.Path, fault: "", environment: "Production"))
        {
        }
    }

    [Fact]
    public async Task A_fault_on_a_type_the_consumer_does_not_handle_refuses_to_start()
    {
        using var dir = new TempDirectory("messaging");

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => StartAsync(dir.Path, "shop.unknown.v1"));

        refused.Message.ShouldBe("Messaging:Faults:faulty is 'shop.unknown.v1', which consumer 'faulty' does not handle; it handles shop.counted.v1, shop.noted.v1.");
    }

    [Fact]
    public async Task A_fault_for_a_consumer_that_does_not_run_here_refuses_to_start()
    {
        using var dir = new TempDirectory("messaging");

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => TestHost.StartAsync(dir.Path,
            m => m.WithShop().WithRecorderDatabase("alpha").WithFullRecorder("faulty", "alpha"),
            settings: new Dictionary<string, string?> { ["Messaging:Faults:loyalty"] = "shop.noted.v1" },
            environment: "Development"));

        refused.Message.ShouldBe("Messaging:Faults:loyalty names no consumer of this process; the consumers are faulty.");
    }
}
