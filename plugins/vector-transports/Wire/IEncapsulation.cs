namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>
/// What a transport puts in front of each frame and checks on each received datagram: UML's
/// form_header and verify_header. An instance belongs to one transport; <see cref="WriteHeader"/>
/// is called from its transmit thread and <see cref="Decapsulate"/> from its receive thread, so each
/// keeps its own state (sequence, counter) without locks.
/// </summary>
public interface IEncapsulation
{
    /// <summary>Bytes written in front of every transmitted frame.</summary>
    int HeaderSize { get; }

    /// <summary>The most bytes that can precede a frame on receive (including an IPv4 header).</summary>
    int MaximumReceiveOverhead { get; }

    /// <summary>Writes the header for the next frame into exactly <see cref="HeaderSize"/> bytes.</summary>
    void WriteHeader(Span<byte> header, ReadOnlySpan<byte> frame);

    /// <summary>Checks a received datagram and finds the frame in it.</summary>
    /// <param name="datagram">What the socket delivered.</param>
    /// <param name="frameOffset">Where the frame starts.</param>
    /// <param name="frameLength">The frame's length.</param>
    /// <returns><see cref="DropReason.None"/> to accept, otherwise why the datagram is dropped.</returns>
    DropReason Decapsulate(Span<byte> datagram, out int frameOffset, out int frameLength);
}
