namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>
/// Receive-side ordering of GRE sequence numbers and L2TPv3 counters, in serial-number arithmetic
/// (RFC 1982): a value newer than the last accepted one is accepted; a late or repeated one is not.
/// 0 is what a peer with pin_sequence or pin_counter sends on every packet; it is read as "the peer
/// reset" and accepted.
/// </summary>
/// <remarks>
/// UML and QEMU send the counter but never check it, and both start again from 1 when they restart.
/// A strict check would then drop a restarted peer's traffic until its counter passed the old one,
/// which on a long-lived tunnel is billions of frames. So a value more than <see cref="ReorderWindow"/>
/// behind is taken as a restart at once, and inside the window <see cref="RestartRun"/> late values in
/// a row are too (no reordering network delivers that many old frames back to back); the rest of
/// what is behind is dropped as out of order. Single-threaded (the receive thread).
/// </remarks>
public struct SequenceCheck
{
    /// <summary>How far behind the last accepted value a frame may be and still count as reordered.</summary>
    public const uint ReorderWindow = 1024;

    /// <summary>How many late values in a row mean that the peer started again.</summary>
    public const int RestartRun = 8;

    private uint _last;
    private bool _seen;
    private int _lateRun;

    /// <summary>Whether <paramref name="value"/> is accepted; if so it becomes the last.</summary>
    public bool Accept(uint value)
    {
        var behind = _last - value;
        if (value == 0 || !_seen || (int)(value - _last) > 0 || behind > ReorderWindow || ++_lateRun >= RestartRun)
        {
            _last = value;
            _seen = true;
            _lateRun = 0;
            return true;
        }

        return false;
    }
}
