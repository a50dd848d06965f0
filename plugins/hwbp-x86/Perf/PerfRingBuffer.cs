using System.Runtime.InteropServices;
using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86.Perf;

/// <summary>
/// The mmap'ed ring buffer of one sampling perf event: a metadata page (perf_event_mmap_page) and
/// 2^n data pages. The kernel advances data_head; we read up to it and then publish data_tail, with
/// the barriers the perf ABI asks for. Records that wrap the end of the buffer are copied out whole.
/// </summary>
internal sealed unsafe class PerfRingBuffer : IDisposable
{
    private const int DataHeadOffset = 1024;
    private const int DataTailOffset = 1032;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapShared = 1;
    private readonly byte* _base;
    private readonly nuint _length;
    private readonly long _dataSize;
    private readonly long _pageSize;
    private bool _disposed;

    public PerfRingBuffer(int fd, int dataPages = 8)
    {
        _pageSize = Environment.SystemPageSize;
        _dataSize = _pageSize * dataPages;
        _length = (nuint)(_pageSize + _dataSize);
        var address = LibC.Mmap(null, _length, ProtRead | ProtWrite, MapShared, fd, 0);
        if (address == (void*)-1)
        {
            throw NativeCallException.For($"mmap(perf fd {fd}, {(ulong)_length} bytes)", (Errno)Marshal.GetLastPInvokeError());
        }

        _base = (byte*)address;
    }

    /// <summary>Reads every complete record now in the buffer; returns the samples and the number of lost records.</summary>
    public (List<PerfSample> Samples, ulong Lost, List<string> Errors) Drain()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var samples = new List<PerfSample>();
        var errors = new List<string>();
        ulong lost = 0;
        var head = Volatile.Read(ref *(long*)(_base + DataHeadOffset));
        Interlocked.MemoryBarrier();
        var tail = *(long*)(_base + DataTailOffset);
        var data = _base + _pageSize;
        Span<byte> record = stackalloc byte[ushort.MaxValue];
        while (tail < head)
        {
            var offset = tail % _dataSize;
            var available = (int)Math.Min(head - tail, ushort.MaxValue);
            Copy(data, offset, record[..Math.Min(available, 8)]);
            var size = available >= 8 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(record[6..8]) : 0;
            if (size < 8 || size > available)
            {
                errors.Add($"ring buffer at {tail}: record size {size} with {available} bytes available; rest skipped");
                tail = head;
                break;
            }

            Copy(data, offset, record[..size]);
            var parsed = PerfRecordParser.Parse(record[..size]);
            if (parsed.Error is not null)
            {
                errors.Add($"ring buffer at {tail}: {parsed.Error}");
            }
            else if (parsed.Sample is { } sample)
            {
                samples.Add(sample);
            }
            else
            {
                lost += parsed.Lost;
            }

            tail += size;
        }

        Interlocked.MemoryBarrier();
        Volatile.Write(ref *(long*)(_base + DataTailOffset), tail);
        return (samples, lost, errors);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        LibC.Munmap(_base, _length);
    }

    private void Copy(byte* data, long offset, Span<byte> destination)
    {
        var first = (int)Math.Min(destination.Length, _dataSize - offset);
        new ReadOnlySpan<byte>(data + offset, first).CopyTo(destination);
        if (first < destination.Length)
        {
            new ReadOnlySpan<byte>(data, destination.Length - first).CopyTo(destination[first..]);
        }
    }
}
