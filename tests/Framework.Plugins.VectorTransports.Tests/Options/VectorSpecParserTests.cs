using FsCheck;
using FsCheck.Fluent;
using Framework.Plugins.VectorTransports.Options;

namespace Framework.Plugins.VectorTransports.Tests.Options;

public sealed class VectorSpecParserTests
{
    [Theory]
    [InlineData("transport=tap,ifname=tap0,depth=128,gro=1", "tap")]
    [InlineData("vec0:transport=hybrid,ifname=tap0,depth=128,gro=1", "hybrid")]
    [InlineData("transport=raw,ifname=p-veth0,depth=128,gro=1", "raw")]
    [InlineData("transport=gre,src=192.168.128.1,dst=192.168.129.1", "gre")]
    [InlineData("transport=l2tpv3,udp=1,src=127.0.0.1,dst=127.0.0.1,srcport=1706,dstport=1707,depth=128,rx_session=0xffffffff,tx_session=0xffff", "l2tpv3")]
    [InlineData("transport=bess,src=/tmp/uml.sock,dst=/tmp/bess.sock", "bess")]
    [InlineData("transport=unix,src=@a,dst=@b", "unix")]
    public void The_documented_examples_parse(string text, string transport)
    {
        var spec = VectorSpecParser.Parse(text);
        Assert.Equal(transport, spec.Transport);
    }

    [Fact]
    public void Values_are_typed_and_defaults_are_UMLs()
    {
        var spec = VectorSpecParser.Parse("vec3:transport=raw,ifname=veth0,mac=02:00:00:00:00:01,mtu=9000,headroom=64,bpffile=/tmp/f.bpf");
        Assert.Equal(3, spec.Unit);
        Assert.Equal(64, spec.Depth);
        Assert.Equal(9000, spec.Mtu);
        Assert.Equal(64, spec.Headroom);
        Assert.False(spec.Gro);
        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 1 }, spec.Mac!.Value.ToArray());
        Assert.Equal("veth0", spec.InterfaceName);
        Assert.Equal("/tmp/f.bpf", spec.GetText("bpffile"));
        var defaults = VectorSpecParser.Parse("transport=tap,ifname=t0");
        Assert.Null(defaults.Mac);
        Assert.Equal(1500, defaults.Mtu);
        Assert.Equal(32, defaults.Headroom);
    }

    [Fact]
    public void Vec_0_means_one_packet_per_call()
    {
        Assert.Equal(1, VectorSpecParser.Parse("transport=tap,ifname=t0,depth=128,vec=0").Depth);
        Assert.Equal(128, VectorSpecParser.Parse("transport=tap,ifname=t0,depth=128,vec=1").Depth);
    }

    [Theory]
    [InlineData("42", 42UL)]
    [InlineData("0x2a", 42UL)]
    [InlineData("0X2A", 42UL)]
    [InlineData("052", 42UL)]
    [InlineData("0", 0UL)]
    [InlineData("0xffffffffffffffff", ulong.MaxValue)]
    public void Numbers_are_read_in_Cs_base_0(string text, ulong expected)
    {
        Assert.True(VectorSpecParser.TryParseBaseZero(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("09")]
    [InlineData("1e3")]
    [InlineData("0x10000000000000000")]
    [InlineData("18446744073709551616")]
    public void Malformed_numbers_are_refused(string text) => Assert.False(VectorSpecParser.TryParseBaseZero(text, out _));

    [Fact]
    public void Documented_port_spellings_are_aliases()
    {
        var spec = VectorSpecParser.Parse("transport=l2tpv3,udp=1,src=10.0.0.1,dst=10.0.0.2,src_port=1,dst_port=2,rx_session=1,tx_session=2");
        Assert.Equal(1UL, spec.GetNumber("srcport", 0));
        Assert.Equal(2UL, spec.GetNumber("dstport", 0));
    }

    [Theory]
    [InlineData("", "transport", "transport=<name>")]
    [InlineData("ifname=tap0", "transport", "transport=<name>")]
    [InlineData("transport=ppp,ifname=x", "transport", "a transport name")]
    [InlineData("transport=tap,ifname=tap0,foo=1", "foo", "a documented vector option")]
    [InlineData("transport=tap,ifname=tap0,depth=0", "depth", "a whole number from 1 to 1024 (decimal, 0x hex or 0 octal)")]
    [InlineData("transport=tap,ifname=tap0,depth=1025", "depth", "a whole number from 1 to 1024 (decimal, 0x hex or 0 octal)")]
    [InlineData("transport=tap,ifname=tap0,depth=abc", "depth", "a whole number from 1 to 1024 (decimal, 0x hex or 0 octal)")]
    [InlineData("transport=tap,ifname=tap0,gro=2", "gro", "0 or 1")]
    [InlineData("transport=tap,ifname=tap0,gro=yes", "gro", "0 or 1")]
    [InlineData("transport=tap,ifname=tap0,mtu=67", "mtu", "a whole number from 68 to 65535 (decimal, 0x hex or 0 octal)")]
    [InlineData("transport=tap,ifname=tap0,mac=01:00:00:00:00:01", "mac", "a unicast MAC address")]
    [InlineData("transport=tap,ifname=tap0,mac=02:00:00:00:00", "mac", "six hex pairs separated by ':' such as 02:00:00:00:00:01")]
    [InlineData("transport=tap,ifname=tap0,mac=02-00-00-00-00-01", "mac", "six hex pairs separated by ':' such as 02:00:00:00:00:01")]
    [InlineData("transport=tap", "ifname", "ifname=<value>")]
    [InlineData("transport=tap,ifname=a_very_long_interface", "ifname", "an interface name of 1 to 15 characters without '/' or ':'")]
    [InlineData("transport=tap,ifname=a/b", "ifname", "an interface name of 1 to 15 characters without '/' or ':'")]
    [InlineData("transport=tap,ifname=tap0,rx_key=1", "rx_key", "an option of transport 'tap'")]
    [InlineData("transport=tap,ifname=tap0,bpffile=/x", "bpffile", "an option of transport 'tap'")]
    [InlineData("transport=tap,ifname=tap0,ifname=tap1", "ifname", "each option at most once")]
    [InlineData("transport=gre,src=1.1.1.1,dst=2.2.2.2,rx_key=1", "tx_key", "tx_key=<value> together with rx_key")]
    [InlineData("transport=gre,src=1.1.1.1,dst=2.2.2.2,pin_sequence=1", "pin_sequence", "sequence=1")]
    [InlineData("transport=gre,src=1.1.1.1,dst=2.2.2.2,rx_key=4294967296,tx_key=1", "rx_key", "a whole number from 0 to 4294967295 (decimal, 0x hex or 0 octal)")]
    [InlineData("transport=gre,src=1.1.1.1", "dst", "dst=<value>")]
    [InlineData("transport=gre,src=1.1.1.1,dst=::1", "dst", "an IPv4 address (v6=0)")]
    [InlineData("transport=gre,src=1.1.1.1,dst=2.2.2.2,v6=1", "src", "an IPv6 address (v6=1)")]
    [InlineData("transport=gre,src=bad\"host,dst=2.2.2.2", "src", "printable ASCII without spaces or quotes")]
    [InlineData("transport=gre,src=bad_host,dst=2.2.2.2", "src", "an IPv4 or IPv6 address or a host name")]
    [InlineData("transport=l2tpv3,src=1.1.1.1,dst=2.2.2.2,tx_session=1", "rx_session", "rx_session=<value>")]
    [InlineData("transport=l2tpv3,src=1.1.1.1,dst=2.2.2.2,rx_session=1,tx_session=1,rx_cookie=0x100000000,tx_cookie=1", "rx_cookie", "a 32-bit cookie, or cookie64=1")]
    [InlineData("transport=l2tpv3,src=1.1.1.1,dst=2.2.2.2,rx_session=1,tx_session=1,tx_cookie=1", "rx_cookie", "rx_cookie=<value> together with tx_cookie")]
    [InlineData("transport=l2tpv3,src=1.1.1.1,dst=2.2.2.2,rx_session=1,tx_session=1,udp=1", "dstport", "dstport=<value>")]
    [InlineData("transport=l2tpv3,src=1.1.1.1,dst=2.2.2.2,rx_session=1,tx_session=1,dstport=5", "dstport", "udp=1")]
    [InlineData("transport=l2tpv3,src=1.1.1.1,dst=2.2.2.2,rx_session=1,tx_session=1,pin_counter=1", "pin_counter", "counter=1")]
    [InlineData("transport=l2tpv3,src=1.1.1.1,dst=2.2.2.2,rx_session=1,tx_session=1,udp=1,dstport=65536", "dstport", "a whole number from 1 to 65535 (decimal, 0x hex or 0 octal)")]
    [InlineData("transport=unix,src=@a", "dst", "dst=<value>")]
    [InlineData("transport=bess,src=@a", "dst", "dst=<value>")]
    [InlineData("transport=tap,,ifname=tap0", "", "key=value")]
    [InlineData("transport=tap,ifname=tap0,", "", "key=value")]
    [InlineData("transport=tap,ifname", "ifname", "key=value")]
    [InlineData("transport=tap,=tap0", "", "key=value")]
    [InlineData("transport=tap,ifname=", "ifname", "a value")]
    [InlineData("transport=tap,ifname=a=b", "ifname", "one '=' per option")]
    [InlineData("transport=tap,IFNAME=tap0", "IFNAME", "a key of lower-case letters, digits and '_'")]
    [InlineData("transport=tap,ifname=tap 0", "ifname", "printable ASCII without spaces or quotes")]
    [InlineData("vecX:transport=tap,ifname=tap0", "", "vecN: with N a number")]
    public void Errors_name_the_option_and_what_was_expected(string text, string option, string expected)
    {
        var error = Assert.Throws<VectorOptionException>(() => VectorSpecParser.Parse(text));
        Assert.Equal(option, error.Option);
        Assert.Equal(expected, error.Expected);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (option.Length > 0 && text.Length > 0)
        {
            Assert.Contains($"'{option}'", error.Message, StringComparison.Ordinal);
        }
        Assert.InRange(error.Offset, 0, Math.Max(0, text.Length));
    }

    [Fact]
    public void Offsets_point_at_the_faulty_option()
    {
        var error = Assert.Throws<VectorOptionException>(() => VectorSpecParser.Parse("transport=tap,ifname=t,depth=x"));
        Assert.Equal(29, error.Offset);
        var unknown = Assert.Throws<VectorOptionException>(() => VectorSpecParser.Parse("transport=tap,ifname=t,bogus=1"));
        Assert.Equal(23, unknown.Offset);
    }

    [Fact]
    public void Oversized_strings_are_refused()
    {
        var text = "transport=tap,ifname=t0" + string.Concat(Enumerable.Repeat(",mtu=1500", 1000));
        var error = Assert.Throws<VectorOptionException>(() => VectorSpecParser.Parse(text));
        Assert.Contains("4096", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Socket_paths_longer_than_sun_path_are_refused()
    {
        var error = Assert.Throws<VectorOptionException>(() => VectorSpecParser.Parse("transport=unix,src=/" + new string('a', 107) + ",dst=@b"));
        Assert.Equal("src", error.Option);
    }

    [Fact]
    public void The_canonical_form_round_trips()
    {
        var spec = VectorSpecParser.Parse("gro=1,transport=raw,ifname=v0,depth=0x20");
        Assert.Equal("transport=raw,gro=1,ifname=v0,depth=0x20", spec.ToString());
        Assert.Equal(32, VectorSpecParser.Parse(spec.ToString()).Depth);
    }

    [Fact]
    public void Random_mutations_of_valid_strings_either_parse_or_fail_with_a_typed_error()
    {
        var seeds = new[]
        {
            "transport=l2tpv3,udp=1,src=127.0.0.1,dst=127.0.0.1,srcport=1706,dstport=1707,depth=128,rx_session=0xffffffff,tx_session=0xffff,cookie64=1,rx_cookie=5,tx_cookie=6,counter=1",
            "vec0:transport=gre,src=::1,dst=::2,v6=1,rx_key=1,tx_key=2,sequence=1,pin_sequence=1",
            "transport=raw,ifname=veth0,mac=02:00:00:00:00:01,gro=1,bpffile=/tmp/x",
        };
        var alphabet = "=,:\"0x1aZ\u0000\u00e9 -@/.".ToCharArray();
        var gen =
            from seed in Gen.Elements(seeds)
            from edits in Gen.ListOf(from position in Gen.Choose(0, 1000) from operation in Gen.Choose(0, 2) from c in Gen.Elements(alphabet) select (position, operation, c))
            select Mutate(seed, edits);
        Prop.ForAll(gen.ToArbitrary(), (string text) =>
        {
            try
            {
                var spec = VectorSpecParser.Parse(text);
                return VectorSpecParser.Parse(spec.ToString()).Transport == spec.Transport;
            }
            catch (VectorOptionException e)
            {
                return e.Message.Length > 0 && e.Offset >= 0 && e.Offset <= Math.Max(text.Length, VectorSpecParser.MaximumLength);
            }
        }).QuickCheckThrowOnFailure();
    }

    private static string Mutate(string seed, IEnumerable<(int Position, int Operation, char Character)> edits)
    {
        var chars = seed.ToList();
        foreach (var (position, operation, c) in edits)
        {
            if (chars.Count == 0)
            {
                chars.Add(c);
                continue;
            }

            var at = position % chars.Count;
            switch (operation)
            {
                case 0: chars.RemoveAt(at); break;
                case 1: chars.Insert(at, c); break;
                default: chars[at] = c; break;
            }
        }

        return new string(chars.ToArray());
    }
}
