namespace Framework.Plugins.VectorTransports.Tests;

/// <summary>Ethernet frames for tests.</summary>
internal static class TestFrames
{
    public static readonly byte[] MacA = [0x02, 0, 0, 0, 0, 0x0a];
    public static readonly byte[] MacB = [0x02, 0, 0, 0, 0, 0x0b];

    public static byte[] Ethernet(int length, int seed, byte[]? source = null, byte[]? destination = null, ushort etherType = 0x88b5)
    {
        var frame = new byte[length];
        (destination ?? MacB).CopyTo(frame, 0);
        (source ?? MacA).CopyTo(frame, 6);
        frame[12] = (byte)(etherType >> 8);
        frame[13] = (byte)etherType;
        for (var i = 14; i < length; i++)
        {
            frame[i] = (byte)(seed + i);
        }

        if (length >= 18)
        {
            BitConverter.TryWriteBytes(frame.AsSpan(14), seed);
        }

        return frame;
    }

    public static int SeedOf(ReadOnlySpan<byte> frame) => BitConverter.ToInt32(frame[14..]);

    private static int _unique;

    /// <summary>A fresh abstract unix socket name.</summary>
    public static string AbstractName(string what) => $"@fw-vt-test-{Environment.ProcessId}-{Interlocked.Increment(ref _unique)}-{what}";
}
