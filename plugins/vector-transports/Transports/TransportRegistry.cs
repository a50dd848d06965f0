using System.Collections.Frozen;
using Framework.Plugins.VectorTransports.Options;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// The transport types by name, and the facade that opens a transport from an option string: parse,
/// look the type up, open. Thread-safe.
/// </summary>
public static class TransportRegistry
{
    private static readonly FrozenDictionary<string, ITransportType> Types = new ITransportType[]
    {
        new TapTransportType(),
        new HybridTransportType(),
        new RawTransportType(),
        new GreTransportType(),
        new L2tpv3TransportType(),
        new BessTransportType(),
        new UnixTransportType(),
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>Every transport type.</summary>
    public static IEnumerable<ITransportType> All => Types.Values.OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>The type named <paramref name="name"/>.</summary>
    /// <exception cref="VectorOptionException">No such transport.</exception>
    public static ITransportType Get(string name) =>
        Types.TryGetValue(name, out var type)
            ? type
            : throw new VectorOptionException("transport", 0, "a transport name", $"unknown transport '{name}': expected one of {string.Join(", ", Types.Keys.Order())}");

    /// <summary>Parses <paramref name="text"/> and opens the transport it describes.</summary>
    /// <exception cref="VectorTransportException">The string is malformed or the transport cannot be opened.</exception>
    public static VectorTransport Open(string text) => Open(VectorSpecParser.Parse(text));

    /// <summary>Opens the transport <paramref name="spec"/> describes.</summary>
    /// <exception cref="VectorTransportException">The transport cannot be opened.</exception>
    public static VectorTransport Open(VectorSpec spec) => Get(spec.Transport).Open(spec);
}
