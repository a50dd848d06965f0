using System.Globalization;
using System.Text;

namespace Framework.Plugins.VectorTransports.Options;

/// <summary>
/// A parsed and validated vector interface specification such as
/// <c>transport=l2tpv3,udp=1,src=10.0.0.1,dst=10.0.0.2,srcport=1701,dstport=1701,rx_session=1,tx_session=2</c>.
/// Immutable and thread-safe. Created by <see cref="VectorSpecParser.Parse"/>.
/// </summary>
public sealed class VectorSpec
{
    /// <summary>UML's default queue depth.</summary>
    public const int DefaultDepth = 64;

    /// <summary>UML's default headroom.</summary>
    public const int DefaultHeadroom = 32;

    /// <summary>The default MTU.</summary>
    public const int DefaultMtu = 1500;

    private readonly IReadOnlyDictionary<string, VectorOptionValue> _options;

    internal VectorSpec(string text, int? unit, string transport, IReadOnlyDictionary<string, VectorOptionValue> options, byte[]? mac)
    {
        Text = text;
        Unit = unit;
        Transport = transport;
        _options = options;
        MacBytes = mac;
    }

    /// <summary>The option string as given.</summary>
    public string Text { get; }

    /// <summary>The interface number of a <c>vecN:</c> prefix, or null.</summary>
    public int? Unit { get; }

    /// <summary>The transport name.</summary>
    public string Transport { get; }

    /// <summary>The options given, by canonical key (including <c>transport</c>).</summary>
    public IReadOnlyDictionary<string, VectorOptionValue> Options => _options;

    private byte[]? MacBytes { get; }

    /// <summary>Messages per system call: <c>depth</c> (default 64), or 1 when <c>vec=0</c>.</summary>
    public int Depth => GetFlag("vec", true) ? (int)GetNumber("depth", DefaultDepth) : 1;

    /// <summary>The MTU (default 1500).</summary>
    public int Mtu => (int)GetNumber("mtu", DefaultMtu);

    /// <summary>The headroom (default 32).</summary>
    public int Headroom => (int)GetNumber("headroom", DefaultHeadroom);

    /// <summary>Whether offloads with virtio-net headers are asked for.</summary>
    public bool Gro => GetFlag("gro", false);

    /// <summary>The MAC address given with <c>mac=</c>, or null.</summary>
    public ReadOnlyMemory<byte>? Mac => MacBytes is null ? (ReadOnlyMemory<byte>?)null : MacBytes;

    /// <summary>The <c>ifname</c> value, or null.</summary>
    public string? InterfaceName => GetText("ifname");

    /// <summary>The <c>src</c> value, or null.</summary>
    public string? Source => GetText("src");

    /// <summary>The <c>dst</c> value, or null.</summary>
    public string? Destination => GetText("dst");

    /// <summary>Whether the option was given.</summary>
    public bool Has(string key) => _options.ContainsKey(key);

    /// <summary>The option's text, or null when it was not given.</summary>
    public string? GetText(string key) => _options.TryGetValue(key, out var v) ? v.Text : null;

    /// <summary>The number or flag value, or <paramref name="defaultValue"/> when it was not given.</summary>
    public ulong GetNumber(string key, ulong defaultValue) => _options.TryGetValue(key, out var v) ? v.Number : defaultValue;

    /// <summary>The flag value, or <paramref name="defaultValue"/> when it was not given.</summary>
    public bool GetFlag(string key, bool defaultValue) => _options.TryGetValue(key, out var v) ? v.Number != 0 : defaultValue;

    /// <summary>The canonical form: <c>transport=</c> first, then the options in the order given.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Unit is int unit)
        {
            sb.Append(CultureInfo.InvariantCulture, $"vec{unit}:");
        }

        sb.Append("transport=").Append(Transport);
        foreach (var option in _options.Values.OrderBy(o => o.Offset))
        {
            if (option.Key != "transport")
            {
                sb.Append(',').Append(option.Key).Append('=').Append(option.Text);
            }
        }

        return sb.ToString();
    }
}
