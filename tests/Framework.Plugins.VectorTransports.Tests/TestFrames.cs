using Framework.Plugins.VectorTransports.Transports;

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

    /// <summary>Every frame received until <paramref name="count"/> were kept or <paramref name="milliseconds"/> passed.</summary>
    public static List<byte[]> Receive(VectorTransport transport, int count, int milliseconds = 5000, Func<VectorTransport, int, bool>? keep = null)
    {
        var frames = new List<byte[]>();
        return ReceiveInto(frames, transport, () => frames.Count >= count, milliseconds, keep);
    }

    /// <summary>Receives until <paramref name="done"/> holds or <paramref name="milliseconds"/> passed; returns what was kept.</summary>
    public static List<byte[]> ReceiveUntil(VectorTransport transport, Func<bool> done, int milliseconds = 5000, Func<VectorTransport, int, bool>? keep = null) =>
        ReceiveInto([], transport, done, milliseconds, keep);

    // keep sees each frame while it is current (transport.Frame(i), transport.Offload(i)); null keeps all.
    private static List<byte[]> ReceiveInto(List<byte[]> frames, VectorTransport transport, Func<bool> done, int milliseconds, Func<VectorTransport, int, bool>? keep)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(milliseconds);
        while (!done() && DateTime.UtcNow < deadline)
        {
            var n = transport.Receive(50);
            for (var i = 0; i < n; i++)
            {
                if (keep?.Invoke(transport, i) ?? true)
                {
                    frames.Add(transport.Frame(i).ToArray());
                }
            }
        }

        return frames;
    }

    /// <summary>Queues every frame, flushing whenever the transport's depth is full, then flushes.</summary>
    public static void Send(VectorTransport transport, IEnumerable<byte[]> frames)
    {
        foreach (var frame in frames)
        {
            if (!transport.Enqueue(frame))
            {
                transport.Flush();
                transport.Enqueue(frame);
            }
        }

        transport.Flush();
    }

    private static int _unique;

    /// <summary>A fresh abstract unix socket name.</summary>
    public static string AbstractName(string what) => $"@fw-vt-test-{Environment.ProcessId}-{Interlocked.Increment(ref _unique)}-{what}";
}
