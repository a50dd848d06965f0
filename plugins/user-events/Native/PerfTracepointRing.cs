using System.Buffers.Binary;
using Framework.Plugins.UserEvents.Kernel;

namespace Framework.Plugins.UserEvents.Native;

/// <summary>
/// One perf event on a tracepoint for one CPU (perf_event_open with PERF_TYPE_TRACEPOINT, a sample
/// per hit with TID, TIME, CPU and RAW) and its mmap ring buffer, read without copies of the whole
/// ring: records are taken between data_tail and data_head and the tail is published after.
/// </summary>
internal sealed unsafe class PerfTracepointRing : IDisposable
{
    private const int AttrSize = 128;
    private const uint PerfTypeTracepoint = 2;
    private const ulong SampleTid = 1 << 1;
    private const ulong SampleTime = 1 << 2;
    private const ulong SampleCpu = 1 << 7;
    private const ulong SampleRaw = 1 << 10;
    private const long PerfFlagFdCloexec = 8;
    private const int DataHeadOffset = 1024;
    private const int DataTailOffset = 1032;

    private readonly byte* _base;
    private readonly nuint _length;
    private readonly ulong _dataSize;
    private readonly byte[] _scratch = new byte[64 * 1024];
    private int _fd;

    private PerfTracepointRing(int fd, byte* mapped, nuint length, ulong dataSize, int cpu, int tracepointId)
    {
        _fd = fd;
        _base = mapped;
        _length = length;
        _dataSize = dataSize;
        Cpu = cpu;
        TracepointId = tracepointId;
    }

    public int Fd => _fd;

    public int Cpu { get; }

    public int TracepointId { get; }

    /// <summary>Opens the event on <paramref name="cpu"/> for every process and maps its ring of
    /// <paramref name="dataPages"/> pages (a power of two).</summary>
    public static PerfTracepointRing Open(int tracepointId, int cpu, int dataPages)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        var span = new Span<byte>(attr, AttrSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span, PerfTypeTracepoint);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], AttrSize);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], (ulong)tracepointId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], SampleTid | SampleTime | SampleCpu | SampleRaw);
        BinaryPrimitives.WriteUInt32LittleEndian(span[48..], 1);
        var fd = (int)LibC.Syscall(LibC.SYS_perf_event_open, attr, -1, cpu, -1, PerfFlagFdCloexec);
        if (fd < 0)
        {
            var errno = KernelErrors.LastErrno;
            var hint = errno is 1 or 13 ? ": needs CAP_PERFMON (or a lower kernel.perf_event_paranoid)" : errno == 2 ? ": no such tracepoint id" : string.Empty;
            throw new UserEventsException($"perf_event_open(tracepoint {tracepointId}, cpu {cpu}) failed with errno {errno}{hint}");
        }

        var pageSize = (nuint)Environment.SystemPageSize;
        var length = pageSize * (nuint)(dataPages + 1);
        var mapped = LibC.Mmap(null, length, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
        if ((nint)mapped == -1)
        {
            var errno = KernelErrors.LastErrno;
            LibC.Close(fd);
            throw new UserEventsException($"mmap of the perf ring (tracepoint {tracepointId}, cpu {cpu}, {length} bytes) failed with errno {errno}");
        }

        return new PerfTracepointRing(fd, (byte*)mapped, length, (ulong)pageSize * (ulong)dataPages, cpu, tracepointId);
    }

    /// <summary>Hands every complete record in the ring to <paramref name="onRecord"/> (type and
    /// body after the 8-byte header; valid during the call) and frees their space.</summary>
    public void Drain(RecordHandler onRecord)
    {
        var head = Volatile.Read(ref *(ulong*)(_base + DataHeadOffset));
        var tail = *(ulong*)(_base + DataTailOffset);
        var data = _base + Environment.SystemPageSize;
        Span<byte> header = stackalloc byte[8];
        while (tail + 8 <= head)
        {
            Copy(data, tail, header);
            if (!PerfRingRecord.TryReadHeader(header, head - tail, out var type, out var size))
            {
                break;
            }

            var body = _scratch.AsSpan(0, size - 8);
            Copy(data, tail + 8, body);
            onRecord(type, body);
            tail += (ulong)size;
        }

        Volatile.Write(ref *(ulong*)(_base + DataTailOffset), tail);
    }

    public delegate void RecordHandler(uint type, ReadOnlySpan<byte> body);

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LibC.Munmap(_base, _length);
            LibC.Close(fd);
        }
    }

    /// <summary>Waits until any ring has data or the timeout passes.</summary>
    public static void Wait(IReadOnlyList<PerfTracepointRing> rings, int timeoutMilliseconds)
    {
        var fds = stackalloc LibC.PollFd[rings.Count];
        for (var i = 0; i < rings.Count; i++)
        {
            fds[i] = new LibC.PollFd { Fd = rings[i].Fd, Events = LibC.POLLIN };
        }

        _ = LibC.Poll(fds, (nuint)rings.Count, timeoutMilliseconds);
    }

    private void Copy(byte* data, ulong position, Span<byte> destination)
    {
        var offset = (int)(position % _dataSize);
        var first = Math.Min(destination.Length, (int)_dataSize - offset);
        new ReadOnlySpan<byte>(data + offset, first).CopyTo(destination);
        if (first < destination.Length)
        {
            new ReadOnlySpan<byte>(data, destination.Length - first).CopyTo(destination[first..]);
        }
    }
}
