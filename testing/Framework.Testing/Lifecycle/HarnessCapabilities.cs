using Framework.Abstractions.Capabilities;

namespace Framework.Testing.Lifecycle;

/// <summary>The capabilities the plugin under test sees: its own published ones plus any the test
/// supplies (standing in for other plugins).</summary>
internal sealed class HarnessCapabilities : ICapabilities
{
    private readonly List<(string PluginId, Type Type, Func<object> Factory)> _entries = [];

    public void Add(string pluginId, Type type, Func<object> factory) => _entries.Add((pluginId, type, factory));

    public IReadOnlyList<(string PluginId, TCapability Capability)> GetAll<TCapability>()
        where TCapability : class =>
        _entries.Where(e => e.Type == typeof(TCapability)).Select(e => (e.PluginId, (TCapability)e.Factory())).ToList();

    public TCapability? Get<TCapability>()
        where TCapability : class =>
        GetAll<TCapability>() is [var first, ..] ? first.Capability : null;
}
