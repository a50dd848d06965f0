using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Framework.Host.Capabilities;
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
    }

    public PluginBuilder Builder { get; }

    public ServiceProvider Services { get; }

    public static LoadedPlugin Load(PluginManifest manifest, IConfiguration configuration, ILoggerFactory loggerFactory, HostLifetime lifetime)
    {
        var loaded = PluginAssemblyLoader.Load(manifest, unloadable: false);
        var plugin = (IPlugin)Activator.CreateInstance(EntryPointFinder.Find(loaded.EntryAssembly, manifest))!;
        var info = new PluginInfo(manifest.Id, manifest.Version.ToNormalizedString(), manifest.ContractVersion.ToNormalizedString(), manifest.Directory);
        var builder = new PluginBuilder(info, configuration.GetSection($"Plugins:{manifest.Id}"));
        plugin.Configure(builder);
        builder.Seal();
        loaded.EnsureSharedAssembliesComeFromTheHost();
        var telemetry = new PluginTelemetry(info);

        // Capabilities published by plugins in other processes are not reachable from here.
        var services = PluginServices.Build(builder, new PluginLoggerFactory(loggerFactory, info.Id, info.Version), telemetry, lifetime, new CapabilityRegistry());
        return new LoadedPlugin(builder, services, telemetry);
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
        await Services.DisposeAsync();
        _telemetry.Dispose();
    }
}
