using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Framework.Host.Discovery;
using Framework.Host.Lifecycle;
using Framework.Host.Loading;
using Framework.Testing.Lifecycle;
using Framework.Testing.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Framework.Testing.Isolation;

/// <summary>The plugin in the test process, in its own collectible load context, loaded, configured
/// and given its container by the host's own loader, builder and allow-list of services.</summary>
internal sealed class InProcessPlugin : IPluginUnderTest
{
    private readonly LoadedPluginAssembly _assembly;
    private readonly PluginBuilder _builder;
    private readonly HarnessCapabilities _capabilities;
    private readonly List<IHostedService> _started = [];

    private InProcessPlugin(LoadedPluginAssembly assembly, PluginBuilder builder, HarnessLifetime lifetime, HarnessCapabilities capabilities, ServiceProvider services)
    {
        _assembly = assembly;
        _builder = builder;
        Lifetime = lifetime;
        _capabilities = capabilities;
        Services = services;
    }

    /// <summary>The plugin's own container.</summary>
    public ServiceProvider Services { get; }

    public HarnessLifetime Lifetime { get; }

    public IReadOnlyList<PluginCommand> Commands => _builder.Commands;

    public IReadOnlyList<PluginJob> Jobs => _builder.Jobs;

    public IReadOnlyList<string> HealthChecks => _builder.HealthChecks.Select(h => h.Name).ToList();

    public IServiceProvider CommandServices => Services;

    /// <exception cref="PluginLoadException">The plugin's code failed to load or configure.</exception>
    public static InProcessPlugin Load(PluginManifest manifest, PluginInfo info, IConfiguration configuration, ILoggerFactory loggerFactory, HarnessTelemetry telemetry)
    {
        var builder = new PluginBuilder(info, configuration.GetSection($"Plugins:{manifest.Id}"));
        LoadedPluginAssembly? loaded = null;
        try
        {
            loaded = PluginAssemblyLoader.Load(manifest);
            var plugin = (IPlugin)Activator.CreateInstance(EntryPointFinder.Find(loaded.EntryAssembly, manifest))!;
            plugin.Configure(builder);
            builder.Seal();
            loaded.EnsureSharedAssembliesComeFromTheHost();
        }
        catch (Exception e)
        {
            loaded?.Unload();
            throw new PluginLoadException($"plugin {manifest.Id} failed to load: {PluginFailure.Describe(e)}", e);
        }

        var lifetime = new HarnessLifetime();
        var capabilities = new HarnessCapabilities();
        var provider = PluginServices.Build(builder, loggerFactory, telemetry, lifetime, capabilities);
        foreach (var (type, factory) in builder.Capabilities)
        {
            capabilities.Add(info.Id, type, () => factory(provider));
        }

        return new InProcessPlugin(loaded, builder, lifetime, capabilities, provider);
    }

    public void AddCapability(string pluginId, Type type, object capability) => _capabilities.Add(pluginId, type, () => capability);

    public TCapability? GetCapability<TCapability>()
        where TCapability : class => _capabilities.Get<TCapability>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        PluginServices.ValidateOptions(_builder, Services);
        foreach (var service in Services.GetServices<IHostedService>())
        {
            await service.StartAsync(cancellationToken);
            _started.Add(service);
        }

        Lifetime.NotifyStarted();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(cancellationToken);
        }

        _started.Clear();
        Lifetime.NotifyStopped();
    }

    public async Task<IReadOnlyDictionary<string, HealthCheckResult>> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, HealthCheckResult>(StringComparer.Ordinal);
        foreach (var (name, factory) in _builder.HealthChecks)
        {
            var check = factory(Services);
            results[name] = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration(name, check, null, null) }, cancellationToken);
        }

        return results;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None);
        }
        finally
        {
            await Services.DisposeAsync();
            Lifetime.Dispose();
            _assembly.Unload();
        }
    }
}
