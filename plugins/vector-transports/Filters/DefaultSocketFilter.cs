using System.Buffers.Binary;

namespace Framework.Plugins.VectorTransports.Filters;

/// <summary>
/// The filter UML attaches to its raw receive socket: drop every frame whose source MAC is the
/// interface's own, so that what this end transmits does not come back in. Six instructions: load
/// source bytes 2-5, compare; load source bytes 0-1, compare; drop on a match; otherwise keep up to
/// 256 KiB of the frame.
/// </summary>
public static class DefaultSocketFilter
{
    /// <summary>What the filter keeps of a frame it accepts.</summary>
    public const uint KeepLength = 0x40000;

    /// <summary>Builds the filter for <paramref name="mac"/>.</summary>
    public static SocketFilterProgram ForMac(ReadOnlySpan<byte> mac)
    {
        if (mac.Length != 6)
        {
            throw new SocketFilterException($"a MAC address has 6 bytes, got {mac.Length}");
        }

        var low = BinaryPrimitives.ReadUInt32BigEndian(mac[2..]);
        var high = BinaryPrimitives.ReadUInt16BigEndian(mac);
        return new SocketFilterProgram(
        [
            new(0x20, 0, 0, 8),         // ld [8]       source MAC bytes 2..5
            new(0x15, 0, 3, low),       // jeq #low, next, keep
            new(0x28, 0, 0, 6),         // ldh [6]      source MAC bytes 0..1
            new(0x15, 0, 1, high),      // jeq #high, drop, keep
            new(0x06, 0, 0, 0),         // ret #0       drop
            new(0x06, 0, 0, KeepLength), // ret #0x40000 keep
        ]);
    }
}
