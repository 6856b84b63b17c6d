using System.ComponentModel.DataAnnotations;
using BoxOffice.Messaging.Storage;

namespace BoxOffice.Messaging;

/// <summary>How durable a SQLite commit is.</summary>
public enum Durability
{
    /// <summary><c>synchronous=FULL</c>: a committed transaction survives power loss. The default.</summary>
    Full,

    /// <summary>
    /// <c>synchronous=NORMAL</c>: in WAL mode a commit survives a process crash but the last
    /// transactions may be lost on power loss. Opt-in only, for throughput.
    /// </summary>
    Normal,
}

/// <summary>How events travel from a producer's log to its consumers (setting <c>Messaging:Transport</c>).</summary>
public enum Transport
{
    /// <summary>Consumers read the producers' logs in process: every producer's database is hosted here. The default.</summary>
    Local,

    /// <summary>
    /// Every hosted log is relayed to RabbitMQ (<c>ConnectionStrings:RabbitMq</c>) and every consumer
    /// reads its own queue there: the distributed deployment, one process per service.
    /// </summary>
    RabbitMq,
}

/// <summary>Settings of the messaging core (configuration section <c>Messaging</c>).</summary>
public sealed class MessagingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Messaging";

    /// <summary>
    /// Where each service's SQLite database lives: the deployment's data folder, set by
    /// <c>AddMessaging</c> from <c>BoxOffice:DataDirectory</c> (env <c>BoxOffice__DataDirectory</c>)
    /// through <c>DataFolder.Resolve</c>, as a full path (a relative setting is under the content root).
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Where the service databases live: SQLite files in <see cref="DataDirectory"/> (the default) or
    /// PostgreSQL. Bound from <c>BoxOffice:Storage</c> (env <c>BoxOffice__Storage</c>).
    /// </summary>
    public StorageProvider Storage { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// The PostgreSQL server, without a database (each service gets its own); needed when
    /// <see cref="Storage"/> is <see cref="StorageProvider.Postgres"/>. Bound from
    /// <c>ConnectionStrings:Postgres</c> (env <c>ConnectionStrings__Postgres</c>). No default: it carries a password.
    /// </summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// The first part of each PostgreSQL database's name, <c>{prefix}_{service}</c>
    /// (<c>boxoffice_tickets</c> …). Bound from <c>BoxOffice:DatabasePrefix</c>; tests use one per host.
    /// </summary>
    [RegularExpression("^[a-z][a-z0-9_]{0,40}$")]
    public string DatabasePrefix { get; set; } = "boxoffice";

    /// <summary>Most pooled connections a process opens to each PostgreSQL database (unless the connection string sets one).</summary>
    [Range(2, 100)]
    public int PostgresPoolSize { get; set; } = 10;

    /// <summary>
    /// <see cref="Transport.Local"/> (the default) or <see cref="Transport.RabbitMq"/>. Bound from
    /// <c>Messaging:Transport</c> (env <c>Messaging__Transport</c>).
    /// </summary>
    public Transport Transport { get; set; } = Transport.Local;

    /// <summary>
    /// The broker, as an AMQP URI <c>amqp://user:password@host:5672/vhost</c>; needed when
    /// <see cref="Transport"/> is <see cref="Transport.RabbitMq"/>. Bound from
    /// <c>ConnectionStrings:RabbitMq</c> (env <c>ConnectionStrings__RabbitMq</c>). No default: it
    /// carries a password, and RabbitMQ's own <c>guest</c> account is refused.
    /// </summary>
    public string? RabbitMqConnectionString { get; set; }

    /// <summary>Most events the relay publishes before it waits for their confirms (the confirm window).</summary>
    [Range(1, 5_000)]
    public int RelayBatchSize { get; set; } = 1_000;

    /// <summary>
    /// How long a relay's lease on its log lasts without renewal. Two processes of one service share
    /// the database; only the holder of the lease publishes, and another takes over this long after
    /// the holder stops renewing (it died or lost the database).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RelayLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a relay looks for events without being woken: commits in this process wake it at
    /// once; this covers commits by another process of the same service. 200 ms by default.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RelayPoll { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Deliveries of one message to a consumer (<c>x-delivery-limit</c> of its quorum queue) before
    /// the broker dead-letters it. Handler failures are retried in process and never count; only a
    /// process that dies or loses the broker while holding the message does, so this bounds a crash loop.
    /// </summary>
    [Range(2, 1_000)]
    public int DeliveryLimit { get; set; } = 20;

    /// <summary>SQLite commit durability; <see cref="Durability.Full"/> unless opted out.</summary>
    public Durability Durability { get; set; } = Durability.Full;

    /// <summary>How long a writer waits for another process's write lock before failing.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most events a consumer applies in one transaction.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1_000;

    /// <summary>Attempts at one event (the first included) before it goes to the dead letters.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the second attempt; each later delay is four times longer.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Consumers wake when a producer in this process commits; this poll only covers writers in
    /// other processes. One second by default; a test raises it to a day to show that commits alone
    /// wake consumers.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan FallbackPoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a background <see cref="WorkLoop"/> (the payment dispatcher, the mail sender, the
    /// registration publisher) looks for due work without being woken: work that comes due by the
    /// clock alone (a retry's time) and rows written by other processes. One second by default.
    /// Kept apart from <see cref="FallbackPoll"/>: raising that one must not delay retries.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan WorkPoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long events stay in a service's log for replay. Events are deleted only once they are
    /// older than this AND every consumer in this process has applied them. Zero keeps them forever.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the retention sweep runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Demo faults, for showing the dead-letter path: consumer name → the wire name of the one event
    /// type that consumer then fails on, every time, just before its handler runs
    /// (<c>Messaging:Faults:loyalty</c> = <c>tickets.acquired.v1</c>, env
    /// <c>Messaging__Faults__loyalty</c>). The normal retries, dead letter and redrive follow. Empty
    /// by default; an empty value is no fault; any fault is refused at start in Production. Read at
    /// start: remove it and restart, then redrive.
    /// </summary>
    public Dictionary<string, string?> Faults { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A transport fault, for the chaos suite: the relay publishes every event this many times to
    /// RabbitMQ (each batch again, whole, after the first), so every consumer receives each message
    /// that many times and its inbox must drop the copies. 1 (the default) is no fault; at most 5;
    /// refused at start in Production. RabbitMQ transport only.
    /// </summary>
    [Range(1, 5)]
    public int PublishCopies { get; set; } = 1;

    /// <summary>The faults that are set, consumer → wire name.</summary>
    internal IEnumerable<KeyValuePair<string, string>> ActiveFaults =>
        Faults.Where(f => !string.IsNullOrWhiteSpace(f.Value)).Select(f => KeyValuePair.Create(f.Key, f.Value!.Trim()));

    internal TimeSpan BackoffBefore(int attempt)
    {
        // attempt is the one about to run (2 = first retry): 100 ms, 400 ms, 1.6 s, then capped.
        var factor = Math.Pow(4, Math.Max(0, attempt - 2));
        var delay = TimeSpan.FromTicks((long)Math.Min(InitialBackoff.Ticks * factor, MaxBackoff.Ticks));
        return delay;
    }
}
