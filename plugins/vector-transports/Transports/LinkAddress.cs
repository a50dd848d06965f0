using System.Security.Cryptography;
using Framework.Plugins.VectorTransports.Options;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>The transport's own MAC address: <c>mac=</c>, or a random locally administered unicast
/// address as UML picks when none is given.</summary>
internal static class LinkAddress
{
    public static byte[] For(VectorSpec spec)
    {
        if (spec.Mac is { } mac)
        {
            return mac.ToArray();
        }

        var random = new byte[6];
        RandomNumberGenerator.Fill(random);
        random[0] = (byte)((random[0] & 0xFE) | 0x02);
        return random;
    }
}
