namespace Framework.Plugins.VectorTransports.Jobs;

/// <summary>
/// Matches the frames that come out of a bridge against the sequence that went in, in order. A frame
/// missing from the middle (a transmit_busy drop in the bridge, a full socket queue) is counted as
/// dropped, and the frames after it are compared with what was sent after it, never with the frame
/// that was lost; a frame that matches nothing still expected is counted as corrupted.
/// </summary>
/// <remarks>Not thread-safe: one receiver observes.</remarks>
public sealed class FrameTally
{
    private readonly IReadOnlyList<byte[]> _frames;
    private long _next;

    /// <summary>A tally over <paramref name="frames"/>, sent in order and repeated.</summary>
    public FrameTally(IReadOnlyList<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("the sample has no frames.", nameof(frames));
        }

        _frames = frames;
    }

    /// <summary>Frames that arrived as they were sent.</summary>
    public long Intact { get; private set; }

    /// <summary>Frames sent that will not arrive (passed over by a later frame, or missing at the end).</summary>
    public long Dropped { get; private set; }

    /// <summary>Frames that arrived but differ from every frame still expected.</summary>
    public long Corrupted { get; private set; }

    /// <summary>How many positions of the sent sequence are settled (intact, dropped or corrupted).</summary>
    public long Settled => _next;

    /// <summary>The frame of sequence number <paramref name="index"/>.</summary>
    public byte[] FrameAt(long index) => _frames[(int)(index % _frames.Count)];

    /// <summary>Accounts for one frame that arrived, when <paramref name="sent"/> frames have been sent.</summary>
    public void Observe(ReadOnlySpan<byte> frame, long sent)
    {
        for (var k = _next; k < sent; k++)
        {
            if (frame.SequenceEqual(FrameAt(k)))
            {
                Dropped += k - _next;
                Intact++;
                _next = k + 1;
                return;
            }
        }

        // Nothing still expected looks like it: it stands in for the next one.
        Corrupted++;
        _next++;
    }

    /// <summary>Counts every frame of the <paramref name="sent"/> not yet settled as dropped: nothing more will arrive.</summary>
    public void Finish(long sent)
    {
        if (sent > _next)
        {
            Dropped += sent - _next;
            _next = sent;
        }
    }
}
