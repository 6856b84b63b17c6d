using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoxOffice.LoadTest.Ceiling;

internal enum CeilingKind
{
    /// <summary>Answers 202 and does nothing: what HTTP and JSON alone cost on this machine.</summary>
    Noop,

    /// <summary>Commits one row per request to SQLite (WAL, synchronous=FULL) before answering: what a durable accept can cost at best.</summary>
    Commit,
}

/// <summary>
/// The <c>ceiling-server</c> verb: a bare Kestrel minimal API, in a process of its own, that every
/// accept figure is compared with. <c>POST /reserve</c> takes the body BoxOffice's
/// <c>POST /api/reservations</c> takes and answers 202 with a small JSON; <c>--kind commit</c> first
/// appends the request's row through <see cref="CommitWriter"/> (group commit, one writer). It runs
/// until it is killed.
/// </summary>
internal static class CeilingServer
{
    public static async Task<int> RunAsync(Arguments args, CancellationToken ct)
    {
        var kind = args.Choice("--kind", CeilingKind.Noop);
        var urls = args.Text("--urls") ?? throw new UsageException("ceiling-server needs --urls http://127.0.0.1:<port>.");
        var data = args.Text("--data") ?? Path.Combine(Path.GetTempPath(), "boxoffice-load", "ceiling-" + Guid.NewGuid().ToString("N"));
        args.ThrowOnUnknown();

        // As BoxOffice.Host.csproj's ThreadPoolMinThreads: the same runtime as the host it is compared with.
        ThreadPool.GetMinThreads(out _, out var io);
        ThreadPool.SetMinThreads(128, io);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, CeilingJson.Default));
        await using var writer = kind == CeilingKind.Commit ? CommitWriter.Open(Path.Combine(Directory.CreateDirectory(data).FullName, "ceiling.db")) : null;
        await using var app = builder.Build();
        app.MapGet("/health", () => Results.Ok());
        // Both paths: the load tool posts to /reserve, bench/accept/run.sh drives it with the same wrk
        // script as BoxOffice (POST /api/reservations; the bearer header is ignored here).
        RouteHandlerBuilder Reserve(string path) => app.MapPost(path, async (ReserveBody body, CancellationToken requestAborted) =>
        {
            var id = Guid.CreateVersion7();
            if (writer is not null)
            {
                await writer.AppendAsync(id, body, requestAborted);
            }

            return Results.Json(new ReserveAnswer(id, "Pending"), CeilingJson.Default.ReserveAnswer, statusCode: StatusCodes.Status202Accepted);
        });
        Reserve("/reserve");
        Reserve("/api/reservations");
        Console.WriteLine($"ceiling-server ({kind}) listening on {urls}");
        await app.StartAsync(ct);
        await app.WaitForShutdownAsync(ct);
        return 0;
    }
}

internal sealed record ReserveBody(Guid TicketTypeId, int Quantity, string PaymentToken);

internal sealed record ReserveAnswer(Guid Id, string Status);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReserveBody))]
[JsonSerializable(typeof(ReserveAnswer))]
internal sealed partial class CeilingJson : JsonSerializerContext;

/// <summary>
/// One writer task draining a bounded channel: up to <see cref="MaxBatch"/> rows per transaction on
/// SQLite in WAL with <c>synchronous=FULL</c> (every commit reaches the disk, as BoxOffice's do), each
/// request answered once the transaction holding its row has committed.
/// </summary>
internal sealed class CommitWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly Channel<(Guid Id, ReserveBody Body, TaskCompletionSource Done)> _queue =
        Channel.CreateBounded<(Guid, ReserveBody, TaskCompletionSource)>(new BoundedChannelOptions(8192) { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Task _loop;

    private CommitWriter(SqliteConnection connection)
    {
        _connection = connection;
        _loop = Task.Run(WriteAsync);
    }

    public static CommitWriter Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
        connection.Open();
        using var setup = connection.CreateCommand();
        setup.CommandText = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS reservations (id TEXT PRIMARY KEY, ticket_type_id TEXT NOT NULL, quantity INTEGER NOT NULL, payment_token TEXT NOT NULL, created_at INTEGER NOT NULL);
            """;
        setup.ExecuteNonQuery();
        return new CommitWriter(connection);
    }

    public async Task AppendAsync(Guid id, ReserveBody body, CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((id, body, done), ct);
        await done.Task.WaitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _connection.DisposeAsync();
    }

    private async Task WriteAsync()
    {
        using var insert = _connection.CreateCommand();
        insert.CommandText = "INSERT INTO reservations (id, ticket_type_id, quantity, payment_token, created_at) VALUES ($id, $type, $quantity, $token, $at)";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var quantity = insert.Parameters.Add("$quantity", SqliteType.Integer);
        var token = insert.Parameters.Add("$token", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        var batch = new List<TaskCompletionSource>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            try
            {
                using var tx = _connection.BeginTransaction();
                insert.Transaction = tx;
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var row))
                {
                    batch.Add(row.Done);
                    id.Value = row.Id.ToString();
                    type.Value = row.Body.TicketTypeId.ToString();
                    quantity.Value = row.Body.Quantity;
                    token.Value = row.Body.PaymentToken;
                    at.Value = now;
                    insert.ExecuteNonQuery();
                }

                tx.Commit();
                batch.ForEach(done => done.TrySetResult());
            }
            catch (SqliteException e)
            {
                batch.ForEach(done => done.TrySetException(e));
            }

            batch.Clear();
        }
    }
}
