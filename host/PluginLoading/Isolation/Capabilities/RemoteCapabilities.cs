namespace Framework.Host.Isolation.Capabilities;

/// <summary>
/// The contract capabilities that can cross a process boundary (their calls are plain data), by
/// full type name. A capability that is not listed here stays in the process of its publisher: a
/// plugin in another process that asks for it gets <see cref="Unreachable"/>'s error, never a silent
/// "not found".
/// </summary>
internal static class RemoteCapabilities
{
    private static readonly Dictionary<string, IRemoteCapability> ByName = new IRemoteCapability[]
    {
        new PacketFilterProviderRemote(),
        new PacketFilterRemote(),
    }.ToDictionary(r => r.Type.FullName!, StringComparer.Ordinal);

    /// <summary>The ops table for <paramref name="typeName"/>, or null when it cannot cross.</summary>
    public static IRemoteCapability? For(string typeName) => ByName.GetValueOrDefault(typeName);

    /// <summary>The ops table for <paramref name="type"/>, or null when it cannot cross.</summary>
    public static IRemoteCapability? For(Type type) => For(type.FullName ?? string.Empty);

    /// <summary>The ops table of the remote interface <paramref name="value"/> implements, or null.</summary>
    public static IRemoteCapability? Of(object value) => ByName.Values.FirstOrDefault(r => r.Type.IsInstanceOfType(value));

    /// <summary>The error for a capability that cannot reach its consumer.</summary>
    /// <param name="typeName">The capability's full type name.</param>
    /// <param name="publisher">The plugin that publishes it.</param>
    /// <param name="consumer">The plugin (or test) that asked for it.</param>
    /// <param name="inChild">Which of the two runs in a plugin-host child (both: both do).</param>
    public static string Unreachable(string typeName, string publisher, string consumer, string inChild) =>
        $"capability {Short(typeName)} published by plugin '{publisher}' cannot reach {consumer}: {inChild}, and only capabilities whose calls are plain data cross a process boundary ({string.Join(", ", ByName.Keys.Select(Short))}).";

    private static string Short(string typeName) => typeName[(typeName.LastIndexOf('.') + 1)..];
}
