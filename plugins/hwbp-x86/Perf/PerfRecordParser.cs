using System.Buffers.Binary;

namespace Framework.Plugins.HwbpX86.Perf;

/// <summary>Parses the records of a perf ring buffer. Takes spans, never throws: a malformed record
/// is a typed failure with the offset and field.</summary>
public static class PerfRecordParser
{
    /// <summary>PERF_RECORD_LOST.</summary>
    public const uint RecordLost = 2;

    /// <summary>PERF_RECORD_SAMPLE.</summary>
    public const uint RecordSample = 9;

    /// <summary>The size of a sample record with IP, TID, TIME, ADDR and CPU: header 8 + 8 + 8 + 8 + 8 + 8.</summary>
    public const int SampleSize = 48;

    /// <summary>The outcome of parsing one record.</summary>
    /// <param name="Type">The record type from the header.</param>
    /// <param name="Size">The record's size from the header (how far to advance).</param>
    /// <param name="Sample">The sample, for a PERF_RECORD_SAMPLE.</param>
    /// <param name="Lost">The number of lost records, for a PERF_RECORD_LOST.</param>
    /// <param name="Error">Null, or what was wrong.</param>
    public readonly record struct Result(uint Type, int Size, PerfSample? Sample, ulong Lost, string? Error);

    /// <summary>Parses the record at the start of <paramref name="data"/>.</summary>
    public static Result Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8)
        {
            return new(0, 0, null, 0, $"record header: {data.Length} bytes, need 8");
        }

        var type = BinaryPrimitives.ReadUInt32LittleEndian(data);
        var size = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        if (size < 8 || size % 8 != 0)
        {
            return new(type, size, null, 0, $"record header: size {size} is not a multiple of 8 of at least 8");
        }

        if (size > data.Length)
        {
            return new(type, size, null, 0, $"record of type {type}: size {size} exceeds the {data.Length} bytes available");
        }

        switch (type)
        {
            case RecordSample when size < SampleSize:
                return new(type, size, null, 0, $"sample record: size {size}, need {SampleSize} for ip, pid/tid, time, addr and cpu");
            case RecordSample:
                var body = data[8..];
                return new(type, size, new PerfSample(
                    BinaryPrimitives.ReadUInt64LittleEndian(body),
                    BinaryPrimitives.ReadInt32LittleEndian(body[8..]),
                    BinaryPrimitives.ReadInt32LittleEndian(body[12..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(body[16..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(body[24..]),
                    BinaryPrimitives.ReadInt32LittleEndian(body[32..])), 0, null);
            case RecordLost when size < 24:
                return new(type, size, null, 0, $"lost record: size {size}, need 24");
            case RecordLost:
                return new(type, size, null, BinaryPrimitives.ReadUInt64LittleEndian(data[16..]), null);
            default:
                return new(type, size, null, 0, null);
        }
    }
}
