using System.Buffers.Binary;

namespace Framework.Plugins.UserEvents.Kernel;

/// <summary>
/// The records the collector reads from its perf rings (perf_event_open(2), "MMAP layout"): an
/// 8-byte header (type, misc, size) and a body; PERF_RECORD_SAMPLE of a tracepoint event sampled
/// with TID | TIME | CPU | RAW, and PERF_RECORD_LOST. No size in a record is trusted: the ring is
/// shared with the kernel and a record that does not fit is reported, never read past.
/// </summary>
internal static class PerfRingRecord
{
    /// <summary>PERF_RECORD_LOST.</summary>
    public const uint Lost = 2;

    /// <summary>PERF_RECORD_SAMPLE.</summary>
    public const uint Sample = 9;

    /// <summary>The size of a record header.</summary>
    public const int HeaderSize = 8;

    /// <summary>The sample's fixed part before the raw bytes: pid, tid, time, cpu, reserved, raw size.</summary>
    private const int SampleFixedSize = 28;

    /// <summary>Reads a record header; false when its size is below a header's or beyond the
    /// <paramref name="available"/> bytes (a torn or corrupt ring: the reader stops there).</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, ulong available, out uint type, out int size)
    {
        type = 0;
        size = 0;
        if (header.Length < HeaderSize)
        {
            return false;
        }

        type = BinaryPrimitives.ReadUInt32LittleEndian(header);
        size = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        return size >= HeaderSize && (ulong)size <= available;
    }

    /// <summary>Reads the lost count of a PERF_RECORD_LOST body (id, lost).</summary>
    public static bool TryReadLost(ReadOnlySpan<byte> body, out ulong lost)
    {
        lost = body.Length >= 16 ? BinaryPrimitives.ReadUInt64LittleEndian(body[8..]) : 0;
        return body.Length >= 16;
    }

    /// <summary>Reads a PERF_RECORD_SAMPLE body; false when it is shorter than its fixed part or its
    /// raw size is below a trace record's common header (8 bytes) or beyond the body.</summary>
    public static bool TryReadSample(ReadOnlySpan<byte> body, out int pid, out ulong time, out int cpu, out ReadOnlySpan<byte> raw)
    {
        pid = 0;
        time = 0;
        cpu = 0;
        raw = default;
        if (body.Length < SampleFixedSize)
        {
            return false;
        }

        var rawSize = BinaryPrimitives.ReadInt32LittleEndian(body[24..]);
        if (rawSize < 8 || rawSize > body.Length - SampleFixedSize)
        {
            return false;
        }

        pid = BinaryPrimitives.ReadInt32LittleEndian(body);
        time = BinaryPrimitives.ReadUInt64LittleEndian(body[8..]);
        cpu = BinaryPrimitives.ReadInt32LittleEndian(body[16..]);
        raw = body.Slice(SampleFixedSize, rawSize);
        return true;
    }
}
