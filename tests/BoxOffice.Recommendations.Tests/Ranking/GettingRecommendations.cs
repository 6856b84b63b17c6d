using System.Net;
using System.Text.Json;
using BoxOffice.Contracts.Tickets;
using BoxOffice.Recommendations.Tests.Support;
using static BoxOffice.Recommendations.Tests.Support.Market;

namespace BoxOffice.Recommendations.Tests.Ranking;

/// <summary>GET /api/me/recommendations on a real host, fed through the tickets log.</summary>
public sealed class GettingRecommendations
{
    private static readonly EventPublished Hamlet = Published("Hamlet", "theatre", "London", ["Northbank Players"], inDays: 14);
    private static readonly EventPublished SwanLake = Published("Swan Lake", "dance", "Paris", ["Ballet de la Ville"], inDays: 25);
    private static readonly EventPublished NorthernLights = Published("Northern Lights Tour", "concert", "Oslo", ["Aurora Skies"], inDays: 21);
    private static readonly EventPublished ElectricForest = Published("Electric Forest", "festival", "Amsterdam", ["DJ Nova", "Aurora Skies"], inDays: 60, minimumAge: 18);
    private static readonly EventPublished LastSeason = Published("Last Season Gala", "dance", "Paris", ["Ballet de la Ville"], inDays: -20);

    [Fact]
    public async Task People_who_bought_the_same_event_bring_their_other_event_with_its_reason()
    {
        await using var world = await RecommendationsWorld.StartAsync();
        Guid ana = Guid.CreateVersion7(), ben = Guid.CreateVersion7(), cleo = Guid.CreateVersion7(), dan = Guid.CreateVersion7();
        await world.PublishAsync(Hamlet, SwanLake, NorthernLights, ElectricForest, LastSeason);
        await world.PublishAsync(
            Bought(ana, Hamlet), Bought(ana, SwanLake), Bought(ben, Hamlet), Bought(ben, SwanLake), Bought(ben, LastSeason),
            Bought(cleo, Hamlet), Bought(dan, NorthernLights));
        await world.CaughtUpAsync();

        using var body = JsonDocument.Parse(await world.RecommendationsJsonAsync(cleo));

        var items = body.RootElement.EnumerateArray().ToList();
        items[0].GetProperty("eventId").GetGuid().ShouldBe(SwanLake.EventId);
        items[0].GetProperty("name").GetString().ShouldBe("Swan Lake");
        items[0].GetProperty("reason").GetString().ShouldBe("Because you bought tickets for Hamlet");
        items[0].GetProperty("score").GetDouble().ShouldBeGreaterThan(items[1].GetProperty("score").GetDouble());
        var suggested = items.Select(i => i.GetProperty("eventId").GetGuid()).ToList();
        suggested.ShouldNotContain(Hamlet.EventId);
        suggested.ShouldNotContain(LastSeason.EventId);
        suggested.ShouldBe([SwanLake.EventId, NorthernLights.EventId, ElectricForest.EventId], ignoreOrder: true);
    }

    [Fact]
    public async Task A_buyer_with_no_purchases_gets_popular_events_they_are_old_enough_for()
    {
        await using var world = await RecommendationsWorld.StartAsync();
        await world.PublishAsync(Hamlet, SwanLake, NorthernLights, ElectricForest, LastSeason);
        await world.PublishAsync(
            Bought(Guid.NewGuid(), Hamlet), Bought(Guid.NewGuid(), Hamlet), Bought(Guid.NewGuid(), SwanLake),
            Bought(Guid.NewGuid(), ElectricForest), Bought(Guid.NewGuid(), ElectricForest), Bought(Guid.NewGuid(), ElectricForest));
        await world.CaughtUpAsync();

        using var adult = await world.GetAsync(Guid.NewGuid(), birthDate: new DateOnly(1990, 5, 5));
        using var minor = await world.GetAsync(Guid.NewGuid(), birthDate: DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-16));

        var forAdult = await NamesAsync(adult);
        forAdult.ShouldBe(["Electric Forest", "Hamlet", "Swan Lake", "Northern Lights Tour"]);
        (await NamesAsync(minor)).ShouldBe(["Hamlet", "Swan Lake", "Northern Lights Tour"]);
    }

    [Fact]
    public async Task A_limit_that_is_not_a_whole_number_from_1_to_50_is_a_validation_problem()
    {
        await using var world = await RecommendationsWorld.StartAsync();
        await world.PublishAsync(Hamlet, SwanLake, NorthernLights);
        await world.CaughtUpAsync();

        foreach (var query in (string[])["?limit=0", "?limit=51", "?limit=abc", "?limit=1.5", "?limit=", "?limit=-3", "?limit=%2B5", "?limit=99999999999", "?limit=2&limit=3"])
        {
            using var response = await world.GetAsync(Guid.NewGuid(), query);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, query);
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            problem.RootElement.GetProperty("type").GetString().ShouldBe("https://boxoffice.local/problems/invalid-request");
            problem.RootElement.GetProperty("errors").GetProperty("limit").GetArrayLength().ShouldBe(1);
        }

        using var one = await world.GetAsync(Guid.NewGuid(), "?limit=1");
        (await NamesAsync(one)).Count.ShouldBe(1);
        using var fifty = await world.GetAsync(Guid.NewGuid(), "?limit=50");
        (await NamesAsync(fifty)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task Without_a_valid_token_the_answer_is_401()
    {
        await using var world = await RecommendationsWorld.StartAsync();

        using var anonymous = await world.GetAsync(user: null);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var forged = new HttpRequestMessage(HttpMethod.Get, new Uri(world.BaseUrl, "/api/me/recommendations"));
        forged.Headers.Authorization = new("Bearer", world.TokenFor(Guid.NewGuid())[..^4] + "AAAA");
        using var response = await world.Http.SendAsync(forged, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static async Task<List<string>> NamesAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.EnumerateArray().Select(i => i.GetProperty("name").GetString()!)];
    }
}
