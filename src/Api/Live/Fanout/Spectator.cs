using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace EventApi.Api.Live;

/// <summary>
/// One open stream's queue, bounded: the feed offers the frames of each read without waiting, and a spectator whose
/// queue is full has fallen too far behind. It is dropped (its connection cut) rather than slowing the feed, the writer
/// or the other spectators; it resumes with <c>Last-Event-ID</c>. The queue holds reads, not frames: one append of many
/// events (a batch of moves) is one entry, so a burst is not mistaken for a slow reader.
/// </summary>
public sealed class Spectator(int capacity, long skipThrough, Action abort)
{
    private readonly Channel<Frame[]> _reads = Channel.CreateBounded<Frame[]>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Lock _gate = new();
    private bool _closed;

    public bool Dropped { get; private set; }

    /// <summary>Queues the frames of one read; false when the queue is full. Frames up to the version the stream resumed
    /// after (when it was ahead of the feed) are skipped.</summary>
    public bool TryOffer(Frame[] frames) => frames[^1].Version <= skipThrough || _reads.Writer.TryWrite(frames);

    /// <summary>The session has ended, or the node stops: the frames queued are sent, then the stream closes.</summary>
    public void End() => _reads.Writer.TryComplete();

    /// <summary>Too far behind: the stream is cut at once (unless it has closed meanwhile).</summary>
    public void Drop()
    {
        lock (_gate)
        {
            if (_closed) return;
            Dropped = true;
            _reads.Writer.TryComplete();
            abort();
        }
    }

    /// <summary>The stream's request is ending: from here on, <see cref="Drop"/> leaves its connection alone (the
    /// server may reuse it for the client's next request).</summary>
    public void Close()
    {
        lock (_gate) _closed = true;
    }

    public async IAsyncEnumerable<Frame> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var frames in _reads.Reader.ReadAllAsync(ct))
        {
            foreach (var frame in frames)
            {
                if (frame.Version > skipThrough) yield return frame;
            }
        }
    }
}
