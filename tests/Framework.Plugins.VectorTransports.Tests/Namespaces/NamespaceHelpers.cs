using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

internal static class NamespaceHelpers
{
    /// <summary>Receives until <paramref name="count"/> frames of EtherType 0x88b5 (our test frames) arrived or 5 s passed.</summary>
    public static List<byte[]> ReceiveTestFrames(VectorTransport transport, int count, int milliseconds = 5000)
    {
        var frames = new List<byte[]>();
        var deadline = DateTime.UtcNow.AddMilliseconds(milliseconds);
        while (frames.Count < count && DateTime.UtcNow < deadline)
        {
            var n = transport.Receive(100);
            for (var i = 0; i < n; i++)
            {
                var frame = transport.Frame(i);
                if (frame[12] == 0x88 && frame[13] == 0xb5)
                {
                    frames.Add(frame.ToArray());
                }
            }
        }

        return frames;
    }

    public static void SendAll(VectorTransport transport, IEnumerable<byte[]> frames)
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
}
