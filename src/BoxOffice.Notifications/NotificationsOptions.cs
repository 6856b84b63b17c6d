using System.ComponentModel.DataAnnotations;

namespace BoxOffice.Notifications;

/// <summary>Settings of the Notifications module (configuration section <c>Notifications</c>).</summary>
internal sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>The SMTP server; without a host, mails are written as <c>.eml</c> files to <see cref="MailDirectory"/>.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The sender of every mail, as an RFC 5322 mailbox.</summary>
    [Required]
    public string From { get; set; } = "BoxOffice <tickets@boxoffice.local>";

    /// <summary>
    /// Where <c>.eml</c> files go when no SMTP host is set; <c>{BoxOffice:DataDirectory}/mail</c> by
    /// default, relative paths under the content root.
    /// </summary>
    public string? MailDirectory { get; set; }

    /// <summary>Open live streams one user may hold.</summary>
    [Range(1, 1_000)]
    public int MaxStreamsPerUser { get; set; } = 5;

    /// <summary>
    /// Open live streams from one client address, whatever the accounts: a bound on what many
    /// throwaway accounts behind one address can hold of <see cref="MaxStreams"/>.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxStreamsPerAddress { get; set; } = 50;

    /// <summary>Open live streams in this process.</summary>
    [Range(1, 1_000_000)]
    public int MaxStreams { get; set; } = 1_000;

    /// <summary>How long a live stream may stay silent before a heartbeat comment is written.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Attempts at a mail whose failures are transient before it is parked as failed for an operator;
    /// 0 (the default) retries forever with capped backoff.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxSendAttempts { get; set; }

    /// <summary>Delay before the second attempt at a mail; each later one doubles, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts at a mail.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan BackoffAfter(int attempts)
    {
        // attempts made so far (1 after the first failure): 1 s, 2 s, 4 s ... capped.
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(RetryDelay.Ticks * factor, MaxRetryDelay.Ticks));
    }
}

/// <summary>The SMTP server mails are relayed to (<c>Notifications:Smtp</c>).</summary>
internal sealed class SmtpOptions
{
    /// <summary>Empty: no SMTP server, mails are written as files instead.</summary>
    public string? Host { get; set; }

    [Range(1, 65_535)]
    public int Port { get; set; } = 25;

    /// <summary>TLS on connect on port 465, STARTTLS (required) on any other port.</summary>
    public bool UseTls { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>How long one SMTP command may take before the attempt counts as a transient failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
