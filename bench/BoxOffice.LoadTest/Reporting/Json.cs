using System.Text.Encodings.Web;
using System.Text.Json;

namespace BoxOffice.LoadTest.Reporting;

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(string path, object value) => File.WriteAllText(path, JsonSerializer.Serialize(value, Options));
}
