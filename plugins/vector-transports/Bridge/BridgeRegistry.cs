using System.Collections.Concurrent;

namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>The bridges running in this process, for <c>vector stats</c> and the metrics. Thread-safe.</summary>
public sealed class BridgeRegistry
{
    private readonly ConcurrentDictionary<string, VectorBridge> _bridges = new(StringComparer.Ordinal);

    /// <summary>Adds a bridge; a name in use is refused.</summary>
    /// <exception cref="InvalidOperationException">Another bridge has that name.</exception>
    public void Add(VectorBridge bridge)
    {
        if (!_bridges.TryAdd(bridge.Name, bridge))
        {
            throw new InvalidOperationException($"a bridge named '{bridge.Name}' is already running");
        }
    }

    /// <summary>Removes a bridge (its counters stop being reported).</summary>
    public void Remove(VectorBridge bridge) => _bridges.TryRemove(new KeyValuePair<string, VectorBridge>(bridge.Name, bridge));

    /// <summary>Snapshots of every bridge, by name.</summary>
    public IReadOnlyList<BridgeSnapshot> Snapshots() => _bridges.Values.Select(b => b.Snapshot()).OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();
}
