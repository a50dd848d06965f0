using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Framework.Host.Discovery;
using Framework.Host.Isolation.Capabilities;
using Framework.Host.Lifecycle;

namespace Framework.Host.Capabilities;

/// <summary>
/// The host-wide table of published capabilities. Instances are created on first use from the
/// publishing plugin's provider, handed out only while that plugin is usable, and dropped (and
/// disposed) when it stops, so that a consumer never keeps a stopped plugin alive. A capability
/// published by a plugin in a plugin-host child is a proxy that calls into that child; one used by
/// a plugin in a child is served to it by the host. Either way only capabilities whose calls are
/// plain data (<see cref="RemoteCapabilities"/>) cross: any other that a consumer in another process
/// asks for is an error naming the capability and both plugins, never a silent "not found".
/// </summary>
internal sealed class CapabilityRegistry : ICapabilities
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];

    /// <summary>Publishes a capability of an in-process plugin.</summary>
    public void Publish(PluginRuntime publisher, Type type, Func<IServiceProvider, object> factory)
    {
        lock (_gate)
        {
            _entries.Add(new Entry(publisher, type, factory, null));
        }
    }

    /// <summary>Publishes a capability of a plugin in a plugin-host child, named as the child names
    /// it (a contract interface's full name); <paramref name="proxies"/> gives the child's current
    /// instances as proxies (none while it restarts). A name that is not a contract interface is ignored.</summary>
    public void PublishFromChild(PluginRuntime publisher, string typeName, Func<IReadOnlyList<object>> proxies)
    {
        if (typeof(IPlugin).Assembly.GetType(typeName, throwOnError: false) is not { IsInterface: true } type)
        {
            return;
        }

        lock (_gate)
        {
            _entries.Add(new Entry(publisher, type, null, proxies));
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

    /// <summary>The capabilities as plugin <paramref name="consumer"/> sees them.</summary>
    public ICapabilities For(PluginRuntime consumer) => new ConsumerView(this, consumer);

    /// <summary>The providers of <paramref name="typeName"/> that <paramref name="consumer"/> (null:
    /// the host itself) can use.</summary>
    /// <exception cref="InvalidOperationException">A usable provider is in another process than the
    /// consumer and the capability cannot cross; the message names it and both plugins.</exception>
    public IReadOnlyList<(string PluginId, object Capability)> Resolve(string typeName, PluginRuntime? consumer)
    {
        var consumerInChild = consumer?.Isolation is { Isolation: PluginIsolation.Process };
        var crosses = RemoteCapabilities.For(typeName) is not null;
        var found = new List<(string, object)>();
        var inChildren = new List<Entry>();
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (entry.Type.FullName != typeName || !entry.Publisher.IsUsable)
                {
                    continue;
                }

                var publisherInChild = entry.Proxies is not null;
                if ((publisherInChild || consumerInChild) && !crosses)
                {
                    var who = consumer is null ? "the host" : $"plugin '{consumer.Id}'";
                    var inChild = (publisherInChild, consumerInChild) switch
                    {
                        (true, true) => $"both run in plugin-host children",
                        (true, false) => $"'{entry.Publisher.Id}' runs in a plugin-host child",
                        _ => $"'{consumer!.Id}' runs in a plugin-host child",
                    };
                    throw new InvalidOperationException(RemoteCapabilities.Unreachable(typeName, entry.Publisher.Id, who, inChild));
                }

                if (entry.Proxies is not null)
                {
                    // Asked outside the lock: it is a round trip to the child.
                    inChildren.Add(entry);
                }
                else if (entry.Publisher.Services is { } services)
                {
                    entry.Instance ??= entry.Factory!(services);
                    found.Add((entry.Publisher.Id, entry.Instance));
                }
            }
        }

        foreach (var entry in inChildren)
        {
            found.AddRange(entry.Proxies!().Select(p => (entry.Publisher.Id, p)));
        }

        return found;
    }

    public IReadOnlyList<(string PluginId, TCapability Capability)> GetAll<TCapability>()
        where TCapability : class => Cast<TCapability>(Resolve(typeof(TCapability).FullName!, null));

    public TCapability? Get<TCapability>()
        where TCapability : class => GetAll<TCapability>() is { Count: > 0 } all ? all[0].Capability : null;

    private static List<(string PluginId, TCapability Capability)> Cast<TCapability>(IReadOnlyList<(string PluginId, object Capability)> found) =>
        found.Select(f => (f.PluginId, (TCapability)f.Capability)).ToList();

    private sealed class ConsumerView(CapabilityRegistry registry, PluginRuntime consumer) : ICapabilities
    {
        public IReadOnlyList<(string PluginId, TCapability Capability)> GetAll<TCapability>()
            where TCapability : class => Cast<TCapability>(registry.Resolve(typeof(TCapability).FullName!, consumer));

        public TCapability? Get<TCapability>()
            where TCapability : class => GetAll<TCapability>() is { Count: > 0 } all ? all[0].Capability : null;
    }

    private sealed class Entry(PluginRuntime publisher, Type type, Func<IServiceProvider, object>? factory, Func<IReadOnlyList<object>>? proxies)
    {
        public PluginRuntime Publisher { get; } = publisher;

        public Type Type { get; } = type;

        public Func<IServiceProvider, object>? Factory { get; } = factory;

        public Func<IReadOnlyList<object>>? Proxies { get; } = proxies;

        public object? Instance { get; set; }
    }
}
