using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

internal static class NamespaceHelpers
{
    /// <summary>Receives until <paramref name="count"/> frames of EtherType 0x88b5 (our test frames) arrived or 5 s passed.</summary>
    public static List<byte[]> ReceiveTestFrames(VectorTransport transport, int count, int milliseconds = 5000) =>
        TestFrames.Receive(transport, count, milliseconds, (t, i) => t.Frame(i)[12] == 0x88 && t.Frame(i)[13] == 0xb5);

    public static void SendAll(VectorTransport transport, IEnumerable<byte[]> frames) => TestFrames.Send(transport, frames);
}
