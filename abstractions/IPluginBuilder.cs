using Framework.Abstractions.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Abstractions;

/// <summary>
/// What a plugin registers itself through. The host hands one to <see cref="IPlugin.Configure"/>;
/// it is not thread-safe and must not be kept after that call returns.
/// </summary>
public interface IPluginBuilder
{
    /// <summary>The plugin as the host knows it from its manifest.</summary>
    PluginInfo Plugin { get; }

    /// <summary>The plugin's own service collection. The provider built from it also offers an
    /// allow-list of host services: <c>ILoggerFactory</c> and <c>ILogger&lt;T&gt;</c>, the plugin's
    /// <see cref="IConfiguration"/> section, <see cref="IPluginTelemetry"/>, <see cref="PluginInfo"/>,
    /// <c>IHostApplicationLifetime</c>, <see cref="Capabilities.ICapabilities"/> and <see cref="TimeProvider"/>.
    /// Hosted services registered here (<c>AddHostedService</c>) are started and stopped by the host
    /// under its timeouts.</summary>
    /// <remarks>
    /// Log export: <c>ILoggerFactory.AddProvider</c> on the plugin's factory (since contract 1.1)
    /// attaches the provider to the host's logging. It then receives the records of the host and
    /// of every plugin that the host's <c>Logging</c> configuration lets through, never a record
    /// that it logs itself while handling one (on the same thread), and what it throws is dropped
    /// rather than thrown at the code that logged. When the plugin stops (its services are
    /// disposed) the host detaches the provider, drops every logger it made, and disposes it, so
    /// that nothing in the host keeps the plugin's code alive. To stop receiving records earlier,
    /// make the provider's loggers inert (for example from its own <c>Dispose</c>). A 1.0 host
    /// refused <c>AddProvider</c> with <see cref="NotSupportedException"/>.
    /// </remarks>
    IServiceCollection Services { get; }

    /// <summary>The plugin's configuration section, <c>Plugins:&lt;id&gt;</c>.</summary>
    IConfiguration Configuration { get; }

    /// <summary>Binds <typeparamref name="TOptions"/> to the plugin's section (or a sub-section of it),
    /// validates it with data annotations when the plugin starts, and makes it available as
    /// <c>IOptions&lt;TOptions&gt;</c>. Calling it twice for one type binds twice; the last binding wins.</summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <param name="sectionPath">A path below <c>Plugins:&lt;id&gt;</c>, or null for the section itself.</param>
    IPluginBuilder AddOptions<TOptions>(string? sectionPath = null)
        where TOptions : class;

    /// <summary>Adds a command under the root of the <c>framework</c> CLI (usually one verb per plugin,
    /// with sub-commands). A name that collides with a host verb or another plugin's verb is refused
    /// with an error naming both.</summary>
    IPluginBuilder AddCommand(PluginCommand command);

    /// <summary>Adds a one-shot job that the host runs after the plugin has started, in its own span.
    /// <c>framework run --until-jobs-done</c> stops the host once every job has finished.</summary>
    IPluginBuilder AddJob(PluginJob job);

    /// <summary>Adds a health check whose result is reported with the plugin's state.</summary>
    /// <param name="name">A name unique within the plugin.</param>
    /// <param name="factory">Creates the check from the plugin's service provider.</param>
    IPluginBuilder AddHealthCheck(string name, Func<IServiceProvider, IHealthCheck> factory);

    /// <summary>Offers a capability, an interface defined in the contract, to the other plugins.
    /// The instance is created from this plugin's provider on first use and lives until the plugin
    /// stops.</summary>
    /// <typeparam name="TCapability">An interface from <c>Framework.Abstractions</c>.</typeparam>
    IPluginBuilder PublishCapability<TCapability>(Func<IServiceProvider, TCapability> factory)
        where TCapability : class;
}
