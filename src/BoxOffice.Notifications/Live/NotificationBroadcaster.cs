using System.Threading.Channels;
using BoxOffice.Notifications.Feed;
using Microsoft.Extensions.Options;

namespace BoxOffice.Notifications.Live;

/// <summary>
/// Hands new feed entries, after their commit, to the live streams of their user in this process.
/// Each stream gets a small bounded buffer of its own: a stream that falls behind is closed
/// rather than buffered without end, and its client resumes from the database with Last-Event-ID,
/// losing nothing. Also keeps the stream caps: per user, per client address (so many throwaway
/// accounts from one address cannot fill the process's cap) and in all.
/// </summary>
internal sealed class NotificationBroadcaster(IOptions<NotificationsOptions> options)
{
    public const int BufferSize = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, List<LiveSubscription>> _byUser = [];
    private readonly Dictionary<string, int> _byAddress = new(StringComparer.Ordinal);
    private readonly NotificationsOptions _options = options.Value;
    private int _total;

    /// <summary>Opens a subscription for <paramref name="user"/> calling from <paramref name="address"/>, or returns null when a cap is reached.</summary>
    public LiveSubscription? TrySubscribe(Guid user, string address)
    {
        lock (_lock)
        {
            _byUser.TryGetValue(user, out var streams);
            _byAddress.TryGetValue(address, out var fromAddress);
            if (_total >= _options.MaxStreams || (streams?.Count ?? 0) >= _options.MaxStreamsPerUser || fromAddress >= _options.MaxStreamsPerAddress)
            {
                return null;
            }

            _byAddress[address] = fromAddress + 1;
            var subscription = new LiveSubscription(this, user, address);
            if (streams is null)
            {
                _byUser[user] = streams = [];
            }

            streams.Add(subscription);
            _total++;
            return subscription;
        }
    }

    /// <summary>Called after commit, in commit order; never blocks.</summary>
    public void Publish(Guid user, FeedEntry entry)
    {
        LiveSubscription[] targets;
        lock (_lock)
        {
            if (!_byUser.TryGetValue(user, out var streams))
            {
                return;
            }

            targets = [.. streams];
        }

        foreach (var subscription in targets)
        {
            subscription.Offer(entry);
        }
    }

    public int OpenStreams
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    internal void Remove(LiveSubscription subscription)
    {
        lock (_lock)
        {
            if (_byUser.TryGetValue(subscription.User, out var streams) && streams.Remove(subscription))
            {
                _total--;
                if (--_byAddress[subscription.Address] == 0)
                {
                    _byAddress.Remove(subscription.Address);
                }

                if (streams.Count == 0)
                {
                    _byUser.Remove(subscription.User);
                }
            }
        }
    }
}

/// <summary>One live stream's buffer of entries; disposing it frees its place under the caps.</summary>
internal sealed class LiveSubscription(NotificationBroadcaster broadcaster, Guid user, string address) : IDisposable
{
    private readonly Channel<FeedEntry> _channel = Channel.CreateBounded<FeedEntry>(
        new BoundedChannelOptions(NotificationBroadcaster.BufferSize) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    public Guid User => user;

    public string Address => address;

    public ChannelReader<FeedEntry> Entries => _channel.Reader;

    /// <summary>True once an entry could not be buffered: the stream must end after what it has.</summary>
    public bool Overflowed { get; private set; }

    internal void Offer(FeedEntry entry)
    {
        if (!_channel.Writer.TryWrite(entry))
        {
            // Full (or already completed): the client is not keeping up. Close the buffer; the
            // stream sends what is in it and ends, and the client catches up from the database.
            Overflowed = true;
            _channel.Writer.TryComplete();
        }
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        broadcaster.Remove(this);
    }
}
