using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Framework.Abstractions.Capabilities;
using Framework.Host.Isolation.Capabilities;
using Framework.Host.Discovery;
using Framework.Host.Lifecycle;
using Framework.Host.Loading;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Isolation.Child;

/// <summary>The one plugin a plugin-host child serves, loaded and configured with the same loader,
/// builder and container as in the host process.</summary>
internal sealed class LoadedPlugin : IAsyncDisposable
{
    private readonly PluginTelemetry _telemetry;
    private readonly List<IHostedService> _started = [];

    private LoadedPlugin(PluginBuilder builder, ServiceProvider services, PluginTelemetry telemetry)
    {
        Builder = builder;
        Services = services;
        _telemetry = telemetry;
        Capabilities = new CapabilityServer(Published);
    }

    /// <summary>Serves the capabilities the plugin publishes to the host (and through it, to plugins
    /// in the host and in other children).</summary>
    public CapabilityServer Capabilities { get; }

    public PluginBuilder Builder { get; }

    public ServiceProvider Services { get; }

    /// <param name="manifest">The plugin's manifest.</param>
    /// <param name="configuration">What the host's Welcome carried.</param>
    /// <param name="loggerFactory">Forwards to the host.</param>
    /// <param name="lifetime">The child's lifetime.</param>
    /// <param name="capabilities">The capabilities published elsewhere, reached through the host.</param>
    public static LoadedPlugin Load(PluginManifest manifest, IConfiguration configuration, ILoggerFactory loggerFactory, HostLifetime lifetime, ICapabilities capabilities)
    {
        var loaded = PluginAssemblyLoader.Load(manifest, unloadable: false);
        var plugin = (IPlugin)Activator.CreateInstance(EntryPointFinder.Find(loaded.EntryAssembly, manifest))!;
        var info = new PluginInfo(manifest.Id, manifest.Version.ToNormalizedString(), manifest.ContractVersion.ToNormalizedString(), manifest.Directory);
        var builder = new PluginBuilder(info, configuration.GetSection($"Plugins:{manifest.Id}"));
        plugin.Configure(builder);
        builder.Seal();
        loaded.EnsureSharedAssembliesComeFromTheHost();
        var telemetry = new PluginTelemetry(info);

        var services = PluginServices.Build(builder, new PluginLoggerFactory(loggerFactory, info.Id, info.Version), telemetry, lifetime, capabilities);
        return new LoadedPlugin(builder, services, telemetry);
    }

    // One instance per published type, made on first use as in the host.
    private readonly Dictionary<Type, object> _published = [];

    private IReadOnlyList<(string PluginId, object Capability)> Published(string typeName)
    {
        lock (_published)
        {
            return Builder.Capabilities.Where(c => c.Type.FullName == typeName)
                .Select(c => (Builder.Plugin.Id, _published.TryGetValue(c.Type, out var made) ? made : _published[c.Type] = c.Factory(Services)))
                .ToList();
        }
    }

    /// <summary>The command at <paramref name="path"/> (its words, the verb first), or null.</summary>
    public PluginCommand? FindCommand(string path)
    {
        var words = path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        IEnumerable<PluginCommand> level = Builder.Commands;
        PluginCommand? found = null;
        foreach (var word in words)
        {
            found = level.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word));
            if (found is null)
            {
                return null;
            }

            level = found.Subcommands;
        }

        return found;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // As in process: options are validated before any service starts.
        PluginServices.ValidateOptions(Builder, Services);
        foreach (var service in Services.GetServices<IHostedService>())
        {
            await service.StartAsync(cancellationToken);
            _started.Add(service);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(cancellationToken);
        }

        _started.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        lock (_published)
        {
            foreach (var made in _published.Values)
            {
                (made as IDisposable)?.Dispose();
            }

            _published.Clear();
        }

        await Services.DisposeAsync();
        _telemetry.Dispose();
    }
}
