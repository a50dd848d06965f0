using Framework.Plugins.VectorTransports.Batching;
using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Wire;
using Framework.Plugins.VectorTransports.Wire.Segmentation;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// An open vector transport: batched receive and transmit of Ethernet frames through recvmmsg and
/// sendmmsg (read and write on tap descriptors), with the transport's encapsulation checked and
/// stripped on receive and added on transmit. Created by <see cref="TransportRegistry.Open"/>.
/// </summary>
/// <remarks>
/// One thread may receive (<see cref="Receive"/>, <see cref="Frame"/>) while another transmits
/// (<see cref="Enqueue"/>, <see cref="Flush"/>); each direction itself is single-threaded. Buffers are
/// allocated once at open: the steady state allocates nothing. Dispose closes the descriptors.
/// </remarks>
public sealed unsafe class VectorTransport : IDisposable
{
    private readonly TransportIo _io;
    private readonly IEncapsulation _encapsulation;
    private readonly VirtioNetHeader? _vnet;
    private readonly MessageVector _rx;
    private readonly MessageVector _tx;
    private readonly int[] _frameSlot;
    private readonly int[] _frameOffset;
    private readonly int[] _frameLength;
    private readonly OffloadInfo[] _frameOffload;
    private int _frames;
    private int _pending;
    private int _disposed;

    internal VectorTransport(VectorSpec spec, TransportIo io, IEncapsulation encapsulation)
    {
        Spec = spec;
        _io = io;
        _encapsulation = encapsulation;
        _vnet = encapsulation as VirtioNetHeader;
        Depth = spec.Depth;
        var frameCapacity = spec.Gro ? 65550 : Math.Max(spec.Mtu + EthernetFrame.HeaderLength + 8, 1522);
        MaximumFrame = frameCapacity;
        _rx = new MessageVector(Depth, encapsulation.MaximumReceiveOverhead, frameCapacity);
        _tx = new MessageVector(Depth, Math.Max(encapsulation.HeaderSize, spec.Headroom), frameCapacity);
        _frameSlot = new int[Depth];
        _frameOffset = new int[Depth];
        _frameLength = new int[Depth];
        _frameOffload = new OffloadInfo[Depth];
    }

    /// <summary>The specification the transport was opened with.</summary>
    public VectorSpec Spec { get; }

    /// <summary>The transport name (<c>unix</c>, <c>raw</c>, ...).</summary>
    public string Name => Spec.Transport;

    /// <summary>What it is bound to, for messages.</summary>
    public string Description => _io.Description;

    /// <summary>Messages per system call.</summary>
    public int Depth { get; }

    /// <summary>The largest frame it receives or sends.</summary>
    public int MaximumFrame { get; }

    /// <summary>Whether frames carry virtio-net headers (tap, raw and hybrid with gro=1): super-frames are then
    /// received (see <see cref="Offload"/>) and sent whole, segmentation left to the kernel.</summary>
    public bool CarriesOffload => _vnet is not null;

    /// <summary>The encapsulation in use.</summary>
    public IEncapsulation Encapsulation => _encapsulation;

    /// <summary>Its counters.</summary>
    public TransportStatistics Statistics { get; } = new();

    /// <summary>The descriptor <see cref="Receive"/> polls, for callers that wait on several transports.</summary>
    internal int ReceiveDescriptor => _io.RxFd;

    /// <summary>The descriptor <see cref="Flush"/> sends on, for benchmarks that drive it directly.</summary>
    internal int TransmitDescriptor => _io.TxFd;

    /// <summary>Frames held from the last <see cref="Receive"/>.</summary>
    public int ReceivedCount => _frames;

    /// <summary>Frames queued by <see cref="Enqueue"/> and not yet flushed.</summary>
    public int PendingCount => _pending;

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for frames and receives up to
    /// <see cref="Depth"/> of them in one call. Frames that fail the encapsulation checks are counted
    /// as drops by reason. The accepted frames stay valid until the next call.</summary>
    /// <returns>How many frames were accepted (see <see cref="Frame"/>).</returns>
    /// <exception cref="TransportFailedException">The peer hung up or the descriptor is gone.</exception>
    /// <exception cref="NativeCallException">An unexpected system-call failure.</exception>
    public int Receive(int timeoutMilliseconds)
    {
        _frames = 0;

        // Try first and wait only when nothing is queued: under load that saves the poll per batch.
        var count = _io.RxBatched ? ReceiveBatched() : ReceiveByRead();
        if (count == 0 && timeoutMilliseconds != 0)
        {
            var revents = Syscall.Poll(_io.RxFd, LinuxConstants.POLLIN, timeoutMilliseconds);
            if (revents == 0)
            {
                return 0;
            }

            if ((revents & LinuxConstants.POLLIN) == 0 && (revents & (LinuxConstants.POLLHUP | LinuxConstants.POLLNVAL)) != 0)
            {
                throw new TransportFailedException($"{Name} transport ({Description}): the peer hung up or the descriptor was closed");
            }

            count = _io.RxBatched ? ReceiveBatched() : ReceiveByRead();
        }

        if (count <= 0)
        {
            return 0;
        }

        Statistics.RxBatch(count);
        long bytes = 0;
        var hangup = false;
        for (var i = 0; i < count; i++)
        {
            if ((_rx.ReceivedFlags(i) & LinuxConstants.MSG_TRUNC) != 0)
            {
                Statistics.Drop(DropReason.Oversized);
                continue;
            }

            var datagram = _rx.Received(i);
            if (datagram.IsEmpty && _io.ZeroLengthIsHangup)
            {
                hangup = true;
                break;
            }

            if (_io.KeepOnlyOutgoing && !IsOutgoing(_rx.ReceivedName(i)))
            {
                Statistics.Drop(DropReason.OwnFrame);
                continue;
            }

            var reason = _encapsulation.Decapsulate(datagram, out var offset, out var length);
            if (reason != DropReason.None)
            {
                Statistics.Drop(reason);
                continue;
            }

            _frameSlot[_frames] = i;
            _frameOffset[_frames] = offset;
            _frameLength[_frames] = length;
            _frameOffload[_frames] = _vnet is null ? default : _vnet.Received;
            _frames++;
            bytes += length;
        }

        Statistics.Received(_frames, bytes);
        if (hangup)
        {
            throw new TransportFailedException($"{Name} transport ({Description}): the peer closed the connection");
        }

        return _frames;
    }

    /// <summary>Frame <paramref name="index"/> of the last <see cref="Receive"/>, from its Ethernet header on.</summary>
    public ReadOnlySpan<byte> Frame(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_frames, nameof(index));
        return _rx.Received(_frameSlot[index]).Slice(_frameOffset[index], _frameLength[index]);
    }

    /// <summary>The offload of frame <paramref name="index"/> of the last <see cref="Receive"/>: <see cref="OffloadInfo.None"/>
    /// for a whole frame, or the segmentation a super-frame (up to 64 KB, from a gro=1 transport) awaits. Pass it
    /// to <see cref="Enqueue(ReadOnlySpan{byte}, in OffloadInfo)"/> with the frame.</summary>
    public OffloadInfo Offload(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_frames, nameof(index));
        return _frameOffload[index];
    }

    /// <summary>Queues a frame with its offload (from <see cref="Offload"/>). A whole frame is queued as by
    /// <see cref="Enqueue(ReadOnlySpan{byte})"/>. A super-frame is validated, then queued whole with a virtio-net
    /// header describing it when this transport <see cref="CarriesOffload"/>, or else cut into wire frames by
    /// <see cref="SoftwareSegmenter"/>, one transmit slot each, flushing whenever <see cref="Depth"/> are queued.
    /// A super-frame that fails validation, or whose segments exceed <see cref="MaximumFrame"/>, is dropped
    /// (counted by reason) and reported as consumed.</summary>
    /// <returns>False when <see cref="Depth"/> frames are already queued: flush first.</returns>
    /// <exception cref="TransportFailedException">A flush between segments found the peer gone.</exception>
    public bool Enqueue(ReadOnlySpan<byte> frame, in OffloadInfo offload)
    {
        if (!offload.IsSegmentation)
        {
            return Enqueue(frame);
        }

        if (_pending == Depth)
        {
            return false;
        }

        var reason = SoftwareSegmenter.Plan(frame, offload, out var layout);
        if (reason != DropReason.None)
        {
            Statistics.Drop(reason);
            return true;
        }

        if (_vnet is not null)
        {
            if (frame.Length > MaximumFrame)
            {
                Statistics.Drop(DropReason.Oversized);
                return true;
            }

            var area = _tx.FrameArea(_pending)[..frame.Length];
            frame.CopyTo(area);
            SoftwareSegmenter.PrepareOffload(area, layout).Write(_tx.HeaderArea(_pending, VirtioNetHeader.Size));
            _tx.PrepareSend(_pending, VirtioNetHeader.Size, frame.Length);
            _pending++;
            Statistics.Offloaded();
            return true;
        }

        if (layout.LargestSegment > MaximumFrame)
        {
            Statistics.Drop(DropReason.Oversized);
            return true;
        }

        for (var i = 0; i < layout.SegmentCount; i++)
        {
            if (_pending == Depth)
            {
                Flush();
            }

            QueueWrittenFrame(SoftwareSegmenter.WriteSegment(frame, layout, i, _tx.FrameArea(_pending)));
        }

        Statistics.Segmented(layout.SegmentCount);
        return true;
    }

    /// <summary>Queues a frame for the next <see cref="Flush"/>, copying it into a pinned slot after room
    /// for the encapsulation header. A frame longer than <see cref="MaximumFrame"/> or shorter than an
    /// Ethernet header is dropped (counted) and reported as consumed.</summary>
    /// <returns>False when <see cref="Depth"/> frames are already queued: flush first.</returns>
    public bool Enqueue(ReadOnlySpan<byte> frame)
    {
        if (_pending == Depth)
        {
            return false;
        }

        if (frame.Length > MaximumFrame)
        {
            Statistics.Drop(DropReason.Oversized);
            return true;
        }

        if (frame.Length < EthernetFrame.HeaderLength)
        {
            Statistics.Drop(DropReason.Truncated);
            return true;
        }

        frame.CopyTo(_tx.FrameArea(_pending));
        QueueWrittenFrame(frame.Length);
        return true;
    }

    // The frame of the next transmit slot is written (copied or segmented into it): put the
    // encapsulation header in front of it and make the slot's message ready to send.
    private void QueueWrittenFrame(int length)
    {
        var headerSize = _encapsulation.HeaderSize;
        if (headerSize > 0)
        {
            _encapsulation.WriteHeader(_tx.HeaderArea(_pending, headerSize), _tx.FrameArea(_pending)[..length]);
        }

        _tx.PrepareSend(_pending, headerSize, length);
        _pending++;
    }

    /// <summary>Sends every queued frame, in as few sendmmsg calls as the kernel allows, waiting up to
    /// <paramref name="timeoutMilliseconds"/> whenever the socket is full. What cannot be sent is
    /// counted as dropped (transmit_busy, peer_unreachable, oversized) or as an error.</summary>
    /// <returns>How many frames were sent.</returns>
    /// <exception cref="TransportFailedException">The peer hung up.</exception>
    public int Flush(int timeoutMilliseconds = 100)
    {
        if (_pending == 0)
        {
            return 0;
        }

        var pending = _pending;
        _pending = 0;
        if (_io.LazyPeer is { } peer && !_io.PeerConnected)
        {
            if (peer.TryConnect(_io.TxFd) != Errno.None)
            {
                Statistics.Drop(DropReason.PeerUnreachable, pending);
                return 0;
            }

            _io.PeerConnected = true;
        }

        var done = 0;
        var sent = 0;
        long bytes = 0;
        while (done < pending)
        {
            var n = _io.TxBatched
                ? LibC.SendMMsg(_io.TxFd, _tx.Messages + done, (uint)(pending - done), LinuxConstants.MSG_DONTWAIT | LinuxConstants.MSG_NOSIGNAL)
                : WriteOne(done);
            if (n > 0)
            {
                Statistics.TxBatch(n);
                for (var i = done; i < done + n; i++)
                {
                    bytes += _tx.Outgoing(i).Length - _encapsulation.HeaderSize;
                }

                done += n;
                sent += n;
                continue;
            }

            var errno = n == 0 ? Errno.EAGAIN : Syscall.LastErrno;
            switch (errno)
            {
                case Errno.EINTR:
                    continue;
                case Errno.EAGAIN or Errno.ENOBUFS:
                    if (Syscall.Poll(_io.TxFd, LinuxConstants.POLLOUT, timeoutMilliseconds) == 0)
                    {
                        Statistics.Drop(DropReason.TransmitBusy, pending - done);
                        done = pending;
                    }

                    continue;
                case Errno.EMSGSIZE:
                    Statistics.Drop(DropReason.Oversized);
                    done++;
                    continue;
                case Errno.ECONNREFUSED or Errno.ENOENT or Errno.ENOTCONN when _io.LazyPeer is not null:
                    _io.PeerConnected = false;
                    Statistics.Drop(DropReason.PeerUnreachable, pending - done);
                    done = pending;
                    continue;
                case Errno.EPIPE or Errno.ECONNRESET:
                    Statistics.Drop(DropReason.PeerUnreachable, pending - done);
                    throw new TransportFailedException($"{Name} transport ({Description}): the peer closed the connection ({errno})");
                case Errno.EBADF:
                    throw new TransportFailedException($"{Name} transport ({Description}): the descriptor is closed");
                default:
                    // ICMP-reported errors on tunnels (ECONNREFUSED, EHOSTUNREACH) and a downed link
                    // (ENETDOWN) fail one message: count it and go on with the rest.
                    Statistics.Error();
                    done++;
                    continue;
            }
        }

        Statistics.Sent(sent, bytes);
        return sent;
    }

    /// <summary>Queues and sends one frame; for tests and the CLI.</summary>
    public bool Send(ReadOnlySpan<byte> frame)
    {
        Enqueue(frame);
        return Flush() == 1;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _io.Dispose();
            _rx.Dispose();
            _tx.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Description})";

    private int ReceiveBatched()
    {
        _rx.PrepareReceive(_io.KeepOnlyOutgoing);
        while (true)
        {
            var n = LibC.RecvMMsg(_io.RxFd, _rx.Messages, (uint)Depth, LinuxConstants.MSG_DONTWAIT, null);
            if (n >= 0)
            {
                return n;
            }

            var errno = Syscall.LastErrno;
            switch (errno)
            {
                case Errno.EINTR:
                    continue;
                case Errno.EAGAIN:
                    return 0;
                case Errno.EBADF or Errno.ENOTCONN:
                    throw new TransportFailedException($"{Name} transport ({Description}): receive failed with {errno}");
                case Errno.ENXIO or Errno.ENODEV:
                    throw new TransportFailedException($"{Name} transport ({Description}): the interface went away ({errno})");
                default:
                    // A queued error is reported once: ICMP on a tunnel (ECONNREFUSED), or ENETDOWN on a packet
                    // socket whose interface was down when bound or went down since; it comes back up by itself.
                    Statistics.Error();
                    return 0;
            }
        }
    }

    private int ReceiveByRead()
    {
        // Tap descriptors have no recvmmsg: read up to depth frames one by one, without blocking.
        var count = 0;
        while (count < Depth)
        {
            var (pointer, capacity) = _rx.Slot(count);
            var n = LibC.Read(_io.RxFd, (void*)pointer, (nuint)capacity);
            if (n < 0)
            {
                var errno = Syscall.LastErrno;
                if (errno == Errno.EINTR)
                {
                    continue;
                }

                if (errno == Errno.EAGAIN)
                {
                    break;
                }

                if (errno is Errno.EBADF or Errno.EIO or Errno.ENXIO)
                {
                    throw new TransportFailedException($"{Name} transport ({Description}): read failed with {errno}");
                }

                Statistics.Error();
                break;
            }

            _rx.SetReceived(count, (int)n, 0);
            count++;
        }

        return count;
    }

    private int WriteOne(int index)
    {
        var (pointer, length) = _tx.Outgoing(index);
        var n = LibC.Write(_io.TxFd, (void*)pointer, (nuint)length);
        return n < 0 ? -1 : 1;
    }

    private static bool IsOutgoing(ReadOnlySpan<byte> name) =>
        name.Length >= 11 && name[10] == LinuxConstants.PACKET_OUTGOING;
}
