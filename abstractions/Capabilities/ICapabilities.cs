namespace Framework.Abstractions.Capabilities;

/// <summary>
/// The capabilities that plugins have published (<see cref="IPluginBuilder.PublishCapability{TCapability}"/>),
/// as seen from a consuming plugin. A capability is an interface defined in the contract; the
/// consumer never references the provider's assembly. Resolve capabilities when you use them, not
/// in a constructor: a provider may start after the consumer, or stop and be unloaded. Thread-safe.
/// </summary>
public interface ICapabilities
{
    /// <summary>Every running plugin's instance of <typeparamref name="TCapability"/>, with the id of
    /// the plugin that offers it.</summary>
    IReadOnlyList<(string PluginId, TCapability Capability)> GetAll<TCapability>()
        where TCapability : class;

    /// <summary>The first running provider's instance, or null when no running plugin offers one.</summary>
    TCapability? Get<TCapability>()
        where TCapability : class;
}
