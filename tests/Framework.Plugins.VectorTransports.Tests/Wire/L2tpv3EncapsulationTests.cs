using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

public sealed class L2tpv3EncapsulationTests
{
    private static byte[] Encapsulate(L2tpv3Encapsulation l2tp, byte[] frame)
    {
        var datagram = new byte[l2tp.HeaderSize + frame.Length];
        l2tp.WriteHeader(datagram, frame);
        frame.CopyTo(datagram, l2tp.HeaderSize);
        return datagram;
    }

    [Theory]
    [InlineData(true, false, false, false, 8)]
    [InlineData(false, false, false, false, 4)]
    [InlineData(true, true, false, true, 16)]
    [InlineData(true, true, true, true, 20)]
    [InlineData(false, true, true, false, 12)]
    public void Header_size_follows_UDP_cookie_and_counter(bool udp, bool cookie, bool cookie64, bool counter, int size)
    {
        var l2tp = new L2tpv3Encapsulation(udp, false, 1, 2, cookie ? 3UL : null, cookie ? 4UL : null, cookie64, counter, false);
        Assert.Equal(size, l2tp.HeaderSize);
    }

    [Fact]
    public void UDP_header_has_version_3_session_64_bit_cookie_and_counter()
    {
        var l2tp = new L2tpv3Encapsulation(true, false, 1, 0xffffffff, 3, 0x0102030405060708, true, true, false);
        var datagram = Encapsulate(l2tp, TestFrames.Ethernet(60, 1));
        Assert.Equal(0x00030000u, BinaryPrimitives.ReadUInt32BigEndian(datagram));
        Assert.Equal(0xffffffffu, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(4)));
        Assert.Equal(0x0102030405060708UL, BinaryPrimitives.ReadUInt64BigEndian(datagram.AsSpan(8)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(16)));
    }

    [Fact]
    public void Receive_checks_session_cookie_header_and_counter()
    {
        var a = new L2tpv3Encapsulation(true, false, rxSession: 10, txSession: 20, rxCookie: 0xaa, txCookie: 0xbb, cookie64: false, counter: true, pinCounter: false);
        var b = new L2tpv3Encapsulation(true, false, rxSession: 20, txSession: 10, rxCookie: 0xbb, txCookie: 0xaa, cookie64: false, counter: true, pinCounter: false);
        var frame = TestFrames.Ethernet(80, 3);
        var first = Encapsulate(a, frame);
        var second = Encapsulate(a, frame);
        Assert.Equal(DropReason.None, b.Decapsulate(first, out var offset, out var length));
        Assert.Equal(frame, first.AsSpan(offset, length).ToArray());
        Assert.Equal(DropReason.None, b.Decapsulate(second, out _, out _));
        Assert.Equal(DropReason.Sequence, b.Decapsulate(first, out _, out _));

        var wrongSession = new L2tpv3Encapsulation(true, false, 0, 11, 0xaa, 0xbb, false, true, false);
        Assert.Equal(DropReason.Session, b.Decapsulate(Encapsulate(wrongSession, frame), out _, out _));
        var wrongCookie = new L2tpv3Encapsulation(true, false, 0, 20, 0xbb, 0xab, false, true, false);
        Assert.Equal(DropReason.Cookie, b.Decapsulate(Encapsulate(wrongCookie, frame), out _, out _));
        var control = Encapsulate(a, frame);
        control[0] = 0xc8;
        Assert.Equal(DropReason.Header, b.Decapsulate(control, out _, out _));
        var version2 = Encapsulate(a, frame);
        version2[1] = 0x02;
        Assert.Equal(DropReason.Header, b.Decapsulate(version2, out _, out _));
    }

    [Fact]
    public void Pinned_counter_is_zero_and_not_checked()
    {
        var a = new L2tpv3Encapsulation(false, false, 1, 1, null, null, false, true, pinCounter: true);
        var frame = TestFrames.Ethernet(60, 1);
        var datagram = Encapsulate(a, frame);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(4)));
        var rx = new L2tpv3Encapsulation(false, false, 1, 1, null, null, false, true, pinCounter: false);
        Assert.Equal(DropReason.None, rx.Decapsulate(datagram, out _, out _));
        Assert.Equal(DropReason.None, rx.Decapsulate(Encapsulate(a, frame), out _, out _));
    }

    [Fact]
    public void IP_mode_skips_the_IPv4_header()
    {
        var a = new L2tpv3Encapsulation(false, false, 5, 5, 1, 1, false, false, false);
        var rx = new L2tpv3Encapsulation(false, true, 5, 5, 1, 1, false, false, false);
        var ip = new byte[20];
        ip[0] = 0x45;
        var frame = TestFrames.Ethernet(64, 9);
        var datagram = ip.Concat(Encapsulate(a, frame)).ToArray();
        Assert.Equal(DropReason.None, rx.Decapsulate(datagram, out var offset, out var length));
        Assert.Equal(frame, datagram.AsSpan(offset, length).ToArray());
        Assert.Equal(DropReason.Truncated, rx.Decapsulate(datagram.AsSpan(0, 30).ToArray(), out _, out _));
    }

    [Fact]
    public void Mismatched_cookie_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new L2tpv3Encapsulation(true, false, 1, 1, 1, null, false, false, false));
        Assert.Throws<ArgumentException>(() => new L2tpv3Encapsulation(true, false, 1, 1, 1UL << 40, 1, false, false, false));
    }

    [Fact]
    public void Random_datagrams_never_throw()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            var rx = new L2tpv3Encapsulation(bytes.Length % 3 == 0, bytes.Length % 2 == 0, 0, 0, 0, 0, bytes.Length % 5 == 0, true, false);
            var reason = rx.Decapsulate(bytes, out var offset, out var length);
            return reason != DropReason.None || (offset + length == bytes.Length && length >= 14);
        }).QuickCheckThrowOnFailure();
    }
}
