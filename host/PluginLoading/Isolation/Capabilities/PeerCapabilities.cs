using Framework.Abstractions.Capabilities;

namespace Framework.Host.Isolation.Capabilities;

/// <summary>The capabilities a plugin in a plugin-host child sees: those the host can reach (published
/// in the host or in other children), resolved through the host each time, as proxies.</summary>
internal sealed class PeerCapabilities(CapabilityClient client) : ICapabilities
{
    /// <exception cref="InvalidOperationException">A plugin publishes <typeparamref name="TCapability"/>
    /// but it cannot cross a process boundary; the message names it and both plugins.</exception>
    public IReadOnlyList<(string PluginId, TCapability Capability)> GetAll<TCapability>()
        where TCapability : class =>
        client.Resolve(typeof(TCapability).FullName!).Select(p => (p.PluginId, (TCapability)p.Capability)).ToList();

    /// <exception cref="InvalidOperationException">As <see cref="GetAll{TCapability}"/>.</exception>
    public TCapability? Get<TCapability>()
        where TCapability : class => GetAll<TCapability>() is [var first, ..] ? first.Capability : null;
}
