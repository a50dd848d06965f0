using Framework.Abstractions.Capabilities;
using Framework.Host.Lifecycle;

namespace Framework.Host.Capabilities;

/// <summary>
/// The host-wide table of published capabilities. Instances are created on first use from the
/// publishing plugin's provider, handed out only while that plugin is usable, and dropped (and
/// disposed) when it stops, so that a consumer never keeps a stopped plugin alive.
/// </summary>
internal sealed class CapabilityRegistry : ICapabilities
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];

    public void Publish(PluginRuntime publisher, Type type, Func<IServiceProvider, object> factory)
    {
        lock (_gate)
        {
            _entries.Add(new Entry(publisher, type, factory));
        }
    }

    /// <summary>Forgets everything a plugin published, disposing the instances it created.</summary>
    public void Withdraw(PluginRuntime publisher)
    {
        List<Entry> removed;
        lock (_gate)
        {
            removed = _entries.Where(e => e.Publisher == publisher).ToList();
            _entries.RemoveAll(e => e.Publisher == publisher);
        }

        foreach (var entry in removed)
        {
            (entry.Instance as IDisposable)?.Dispose();
            entry.Instance = null;
        }
    }

    /// <summary>The capability types a plugin publishes, for inspection.</summary>
    public IReadOnlyList<Type> PublishedBy(PluginRuntime publisher)
    {
        lock (_gate)
        {
            return _entries.Where(e => e.Publisher == publisher).Select(e => e.Type).ToList();
        }
    }

    public IReadOnlyList<(string PluginId, TCapability Capability)> GetAll<TCapability>()
        where TCapability : class
    {
        var found = new List<(string, TCapability)>();
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (entry.Type != typeof(TCapability) || !entry.Publisher.IsUsable || entry.Publisher.Services is not { } services)
                {
                    continue;
                }

                entry.Instance ??= entry.Factory(services);
                found.Add((entry.Publisher.Id, (TCapability)entry.Instance));
            }
        }

        return found;
    }

    public TCapability? Get<TCapability>()
        where TCapability : class => GetAll<TCapability>() is { Count: > 0 } all ? all[0].Capability : null;

    private sealed class Entry(PluginRuntime publisher, Type type, Func<IServiceProvider, object> factory)
    {
        public PluginRuntime Publisher { get; } = publisher;

        public Type Type { get; } = type;

        public Func<IServiceProvider, object> Factory { get; } = factory;

        public object? Instance { get; set; }
    }
}
