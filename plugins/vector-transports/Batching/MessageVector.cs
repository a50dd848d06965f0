using System.Runtime.InteropServices;
using Framework.Plugins.VectorTransports.Native;

namespace Framework.Plugins.VectorTransports.Batching;

/// <summary>
/// A pooled, pinned vector of <c>depth</c> messages for one recvmmsg or sendmmsg: the mmsghdr array,
/// one iovec and one sockaddr buffer per message, and one slot of packet memory per message. All of
/// it is allocated once, in native memory, so that the steady state allocates nothing and the GC
/// never moves what the kernel writes into.
/// </summary>
/// <remarks>
/// Each slot is <see cref="HeaderCapacity"/> bytes of headroom followed by <see cref="FrameCapacity"/>
/// bytes of frame. On transmit the frame is written at the start of the frame area and the
/// encapsulation header right in front of it, so one iovec covers both. On receive the iovec covers
/// the whole slot, and the encapsulation tells where the frame starts. Not thread-safe: one vector
/// belongs to one direction of one transport.
/// </remarks>
internal sealed unsafe class MessageVector : IDisposable
{
    private readonly byte* _memory;
    private readonly MMsgHdr* _messages;
    private readonly IoVec* _iov;
    private readonly byte* _names;
    private readonly byte* _slots;
    private bool _disposed;

    public MessageVector(int depth, int headerCapacity, int frameCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        Depth = depth;
        HeaderCapacity = headerCapacity;
        FrameCapacity = frameCapacity;
        SlotSize = Align(headerCapacity + frameCapacity, 64);
        var messagesBytes = Align(sizeof(MMsgHdr) * depth, 64);
        var iovBytes = Align(sizeof(IoVec) * depth, 64);
        var namesBytes = LinuxConstants.SockaddrStorageSize * depth;
        var total = (nuint)messagesBytes + (nuint)iovBytes + (nuint)namesBytes + ((nuint)SlotSize * (nuint)depth);
        _memory = (byte*)NativeMemory.AlignedAlloc(total, 64);
        NativeMemory.Clear(_memory, total);
        _messages = (MMsgHdr*)_memory;
        _iov = (IoVec*)(_memory + messagesBytes);
        _names = _memory + messagesBytes + iovBytes;
        _slots = _names + namesBytes;
        for (var i = 0; i < depth; i++)
        {
            _messages[i].Header.Iov = &_iov[i];
            _messages[i].Header.IovLength = 1;
        }
    }

    /// <summary>Messages per system call.</summary>
    public int Depth { get; }

    /// <summary>Bytes reserved in front of each frame for an encapsulation header.</summary>
    public int HeaderCapacity { get; }

    /// <summary>The largest frame a slot holds.</summary>
    public int FrameCapacity { get; }

    private int SlotSize { get; }

    /// <summary>The mmsghdr array.</summary>
    public MMsgHdr* Messages => _messages;

    /// <summary>Makes every message ready to receive a whole slot, with room for the sender's address.</summary>
    public void PrepareReceive(bool wantName)
    {
        for (var i = 0; i < Depth; i++)
        {
            _iov[i].Base = _slots + ((nint)SlotSize * i);
            _iov[i].Length = (nuint)(HeaderCapacity + FrameCapacity);
            _messages[i].Header.Name = wantName ? _names + (LinuxConstants.SockaddrStorageSize * i) : null;
            _messages[i].Header.NameLength = wantName ? (uint)LinuxConstants.SockaddrStorageSize : 0;
            _messages[i].Header.Flags = 0;
            _messages[i].Length = 0;
        }
    }

    /// <summary>What recvmmsg received into message <paramref name="index"/> (header and frame).</summary>
    public Span<byte> Received(int index) =>
        new(_slots + ((nint)SlotSize * index), (int)Math.Min(_messages[index].Length, (uint)(HeaderCapacity + FrameCapacity)));

    /// <summary>The flags recvmmsg reported for message <paramref name="index"/> (MSG_TRUNC).</summary>
    public int ReceivedFlags(int index) => _messages[index].Header.Flags;

    /// <summary>The sender's address recvmmsg stored for message <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> ReceivedName(int index) =>
        new(_names + (LinuxConstants.SockaddrStorageSize * index), (int)Math.Min(_messages[index].Header.NameLength, (uint)LinuxConstants.SockaddrStorageSize));

    /// <summary>The frame area of slot <paramref name="index"/>, to write a frame to transmit.</summary>
    public Span<byte> FrameArea(int index) => new(_slots + ((nint)SlotSize * index) + HeaderCapacity, FrameCapacity);

    /// <summary>The <paramref name="length"/> bytes right in front of the frame of slot <paramref name="index"/>.</summary>
    public Span<byte> HeaderArea(int index, int length) => new(_slots + ((nint)SlotSize * index) + HeaderCapacity - length, length);

    /// <summary>Points message <paramref name="index"/> at its header and frame for sendmmsg.</summary>
    public void PrepareSend(int index, int headerLength, int frameLength)
    {
        _iov[index].Base = _slots + ((nint)SlotSize * index) + HeaderCapacity - headerLength;
        _iov[index].Length = (nuint)(headerLength + frameLength);
        _messages[index].Header.Name = null;
        _messages[index].Header.NameLength = 0;
        _messages[index].Header.Flags = 0;
        _messages[index].Length = 0;
    }

    /// <summary>The bytes message <paramref name="index"/> will send (header and frame), for write(2).</summary>
    public (nint Pointer, int Length) Outgoing(int index) => ((nint)_iov[index].Base, (int)_iov[index].Length);

    /// <summary>The slot of message <paramref name="index"/> as a whole, for read(2).</summary>
    public (nint Pointer, int Length) Slot(int index) => ((nint)(_slots + ((nint)SlotSize * index)), HeaderCapacity + FrameCapacity);

    /// <summary>Records that read(2) put <paramref name="length"/> bytes into slot <paramref name="index"/>.</summary>
    public void SetReceived(int index, int length, int flags)
    {
        _messages[index].Length = (uint)length;
        _messages[index].Header.Flags = flags;
        _messages[index].Header.NameLength = 0;
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the native memory of a vector nobody disposed (its transport was leaked).</summary>
    ~MessageVector() => Free();

    private void Free()
    {
        if (!_disposed)
        {
            _disposed = true;
            NativeMemory.AlignedFree(_memory);
        }
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
