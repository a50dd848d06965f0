using Framework.Plugins.VectorTransports.Native;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// The descriptors of an open transport and how to use them: UML's struct vector_fds with the
/// choices each transport makes (batched socket calls or read/write on a tap, which pkttype to keep,
/// a unix peer to connect to lazily). Owns the descriptors.
/// </summary>
internal sealed class TransportIo : IDisposable
{
    public required int RxFd { get; init; }

    public required int TxFd { get; init; }

    /// <summary>recvmmsg on <see cref="RxFd"/> (false: read(2) on a tap).</summary>
    public bool RxBatched { get; init; } = true;

    /// <summary>sendmmsg on <see cref="TxFd"/> (false: write(2) on a tap).</summary>
    public bool TxBatched { get; init; } = true;

    /// <summary>Keep only frames the host transmitted on the interface (hybrid: the raw socket on a tap
    /// also sees what we write into the tap).</summary>
    public bool KeepOnlyOutgoing { get; init; }

    /// <summary>A datagram peer to connect to when it appears (unix); null when already connected.</summary>
    public NativeSocketAddress? LazyPeer { get; init; }

    /// <summary>Whether a zero-length message means the peer hung up (SOCK_SEQPACKET).</summary>
    public bool ZeroLengthIsHangup { get; init; }

    /// <summary>Paths to unlink on close (bound unix sockets).</summary>
    public string? UnlinkOnClose { get; init; }

    /// <summary>What the transport is bound to, for messages.</summary>
    public required string Description { get; init; }

    public bool PeerConnected { get; set; }

    public void Dispose()
    {
        Syscall.Close(RxFd);
        if (TxFd != RxFd)
        {
            Syscall.Close(TxFd);
        }

        if (UnlinkOnClose is not null)
        {
            _ = LibC.Unlink(UnlinkOnClose);
        }
    }
}
