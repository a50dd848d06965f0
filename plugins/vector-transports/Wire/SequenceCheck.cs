namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>
/// Receive-side ordering of GRE sequence numbers and L2TPv3 counters, in serial-number arithmetic
/// (RFC 1982): a value is accepted when it is newer than the last accepted one. 0 is what a peer
/// with pin_sequence or pin_counter sends on every packet; it is read as "the peer reset" and
/// accepted. Single-threaded (the receive thread).
/// </summary>
public struct SequenceCheck
{
    private uint _last;
    private bool _seen;

    /// <summary>Whether <paramref name="value"/> comes after the last accepted value; if so it becomes the last.</summary>
    public bool Accept(uint value)
    {
        if (value == 0 || !_seen || (int)(value - _last) > 0)
        {
            _last = value;
            _seen = true;
            return true;
        }

        return false;
    }
}
