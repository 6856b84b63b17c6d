using System.Globalization;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Messaging.Testbed;

/// <summary>The test producer: counts things, and each count is an event in its log.</summary>
internal static class Shop
{
    public static MigrationSet Schema { get; } = new("shop",
    [
        new Migration(1, "produced counter", """
            CREATE TABLE produced (id INTEGER PRIMARY KEY CHECK (id = 1), count BIGINT NOT NULL);
            INSERT INTO produced (id, count) VALUES (1, 0);
            """),
    ]);

    /// <summary>
    /// Publishes <c>Counted</c> events numbered after the stored count, with the count, in one
    /// transaction, so a crash never loses or repeats a number. Every <paramref name="noteEvery"/>th
    /// event is followed by a <c>Noted</c> event.
    /// </summary>
    /// <returns>The count after the batch.</returns>
    public static async Task<long> ProduceAsync(ServiceDatabase shop, int count, long upTo = long.MaxValue, int noteEvery = 0, CancellationToken ct = default)
    {
        await using var tx = await shop.BeginAsync(ct);
        var produced = Convert.ToInt64(await tx.Command("SELECT count FROM produced WHERE id = 1").ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        var last = Math.Min(produced + count, upTo);
        for (var n = produced + 1; n <= last; n++)
        {
            tx.Publish(new Counted(n, "k" + (n % 7).ToString(CultureInfo.InvariantCulture)), correlationId: Guid.CreateVersion7());
            if (noteEvery > 0 && n % noteEvery == 0)
            {
                tx.Publish(new Noted("note " + n.ToString(CultureInfo.InvariantCulture)));
            }
        }

        await tx.Command("UPDATE produced SET count = @count WHERE id = 1").With("@count", last).ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return last;
    }
}
