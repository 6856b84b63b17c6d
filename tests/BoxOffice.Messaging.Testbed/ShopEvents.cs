using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BoxOffice.Contracts;

namespace BoxOffice.Messaging.Testbed;

/// <summary>The n-th thing the test shop counted; consumers sum them.</summary>
internal sealed record Counted(long N, string Key) : IEvent<Counted>
{
    public static string WireName => "shop.counted.v1";

    public static JsonTypeInfo<Counted> JsonTypeInfo => ShopJson.Default.Counted;
}

/// <summary>A second event type, to show that consumers receive only the types they handle.</summary>
internal sealed record Noted(string Text) : IEvent<Noted>
{
    public static string WireName => "shop.noted.v1";

    public static JsonTypeInfo<Noted> JsonTypeInfo => ShopJson.Default.Noted;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Counted))]
[JsonSerializable(typeof(Noted))]
internal sealed partial class ShopJson : JsonSerializerContext;
