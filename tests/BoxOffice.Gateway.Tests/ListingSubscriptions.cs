using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BoxOffice.Gateway.Tests.Support;

namespace BoxOffice.Gateway.Tests;

public sealed class ListingSubscriptions
{
    [Fact]
    public async Task Every_services_consumers_are_listed_in_one_answer_asked_with_the_callers_token()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var client = gateway.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "an-organizers-token");

        using var response = await client.GetAsync(new Uri(StubService.SubscriptionsPath, UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var listed = (JsonArray)JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        listed.Select(s => s!["consumer"]!.GetValue<string>()).Order().ShouldBe(RouteTable.ApiServices.Order());
        // One instance of each service was asked, with the caller's token.
        RouteTable.ApiServices.Sum(service => gateway.Stubs.Where(s => s.Service == service).Sum(s => s.Authorizations.Count)).ShouldBe(RouteTable.ApiServices.Count);
        gateway.Stubs.SelectMany(s => s.Authorizations).ShouldAllBe(a => a == "Bearer an-organizers-token");
    }

    [Fact]
    public async Task A_caller_the_services_refuse_is_refused()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var client = gateway.Client();

        using var response = await client.GetAsync(new Uri(StubService.SubscriptionsPath, UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_service_with_no_instance_that_answers_makes_the_list_unavailable_rather_than_short()
    {
        await using var gateway = await TestGateway.StartAsync(deadService: "loyalty");
        using var client = gateway.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "an-organizers-token");

        using var response = await client.GetAsync(new Uri(StubService.SubscriptionsPath, UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("loyalty");
    }
}
