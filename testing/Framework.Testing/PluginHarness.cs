using System.Reflection;
using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Framework.Abstractions.Commands;
using System.CommandLine;
using Framework.Host.Cli;
using Framework.Testing.Commands;
using Framework.Host.Lifecycle;
using Framework.Testing.Lifecycle;
using Framework.Host.Configuration;
using Framework.Host.Discovery;
using Framework.Host.Loading;
using Framework.Testing.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Testing;

/// <summary>
/// An in-memory host for one plugin. <see cref="Load"/> reads the built plugin folder the way the
/// <c>framework</c> host does (plugin.json, the contract version check, a collectible load context
/// that shares only the contract and Microsoft.Extensions.*.Abstractions/Options/Primitives, the
/// one public IPlugin, Configure, the allow-list of host services); then a test runs commands and
/// jobs, starts and stops hosted services, checks health, and reads the spans, measurements and
/// logs the plugin produced. Disposing stops the plugin and unloads its context.
/// </summary>
public sealed class PluginHarness : IAsyncDisposable
{
    private readonly LoadedPluginAssembly _assembly;
    private readonly PluginBuilder _builder;
    private readonly HarnessTelemetry _telemetry;
    private readonly CapturingLoggerProvider _logs;
    private readonly ILoggerFactory _loggerFactory;
    private readonly HarnessLifetime _lifetime;
    private readonly HarnessCapabilities _capabilities;
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started = [];
    private bool _disposed;

    private PluginHarness(LoadedPluginAssembly assembly, PluginBuilder builder, HarnessTelemetry telemetry, CapturingLoggerProvider logs, ILoggerFactory loggerFactory, HarnessLifetime lifetime, HarnessCapabilities capabilities, ServiceProvider services)
    {
        _assembly = assembly;
        _builder = builder;
        _telemetry = telemetry;
        _logs = logs;
        _loggerFactory = loggerFactory;
        _lifetime = lifetime;
        _capabilities = capabilities;
        _services = services;
    }

    /// <summary>The contract version this harness provides (the Framework.Abstractions it runs with).</summary>
    public static Version ContractVersion { get; } = ReadContractVersion();

    /// <summary>The plugin's id, version, contract version and folder.</summary>
    public PluginInfo Plugin => _builder.Plugin;

    /// <summary>The plugin's own services (its registrations plus the host's allow-list).</summary>
    public IServiceProvider Services => _services;

    /// <summary>The top-level commands the plugin declared.</summary>
    public IReadOnlyList<PluginCommand> Commands => _builder.Commands;

    /// <summary>The names of the plugin's jobs.</summary>
    public IReadOnlyList<string> Jobs => _builder.Jobs.Select(j => j.Name).ToList();

    /// <summary>The names of the plugin's health checks.</summary>
    public IReadOnlyList<string> HealthChecks => _builder.HealthChecks.Select(h => h.Name).ToList();

    /// <summary>True once the plugin called IHostApplicationLifetime.StopApplication.</summary>
    public bool StopRequested => _lifetime.StopRequested;

    /// <summary>The finished spans of the plugin's ActivitySource, in order.</summary>
    public IReadOnlyList<CapturedSpan> Spans => _telemetry.Spans.ToList();

    /// <summary>The measurements on the plugin's Meter, in order; observable instruments are read
    /// each time this is called.</summary>
    public IReadOnlyList<CapturedMeasurement> Measurements
    {
        get
        {
            _telemetry.CollectObservable();
            return _telemetry.Measurements.ToList();
        }
    }

    /// <summary>Every log record the plugin wrote, in order.</summary>
    public IReadOnlyList<CapturedLog> Logs => _logs.Logs.ToList();

    /// <summary>
    /// Loads the built plugin in <paramref name="pluginFolder"/> (the folder holding plugin.json)
    /// and runs its Configure. <paramref name="settings"/> is the configuration, with the host's
    /// keys: the plugin reads <c>Plugins:&lt;id&gt;:...</c>.
    /// </summary>
    /// <exception cref="PluginLoadException">The folder is not a plugin the host would load; the
    /// message is the host's reason (e.g. a newer contract).</exception>
    public static PluginHarness Load(string pluginFolder, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginFolder);
        var folder = Path.GetFullPath(pluginFolder);
        var manifestPath = Path.Combine(folder, PluginManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new PluginLoadException($"{folder} has no plugin.json: build the plugin project (it references Framework.Abstractions, whose build writes the manifest).");
        }

        PluginManifest manifest;
        try
        {
            manifest = PluginManifestReader.Read(manifestPath);
        }
        catch (PluginManifestException e)
        {
            throw new PluginLoadException($"plugin at {folder} refused: {e.Message}", e);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var trust = new TrustPolicyOptions();
        configuration.GetSection("Host:Trust").Bind(trust);
        if (PluginAdmission.For(trust).Check(manifest) is { } refusal)
        {
            throw new PluginLoadException($"plugin {manifest.Id} at {folder} refused: {refusal}");
        }

        var section = configuration.GetSection($"Plugins:{manifest.Id}");
        var info = new PluginInfo(manifest.Id, manifest.Version.ToNormalizedString(), manifest.ContractVersion.ToNormalizedString(), folder);
        var builder = new PluginBuilder(info, section);
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

        var logs = new CapturingLoggerProvider();
        var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var telemetry = new HarnessTelemetry(info);
        var lifetime = new HarnessLifetime();
        var capabilities = new HarnessCapabilities();
        var provider = PluginServices.Build(builder, loggerFactory, telemetry, lifetime, capabilities);
        foreach (var (type, factory) in builder.Capabilities)
        {
            capabilities.Add(info.Id, type, () => factory(provider));
        }

        return new PluginHarness(loaded, builder, telemetry, logs, loggerFactory, lifetime, capabilities, provider);
    }

    /// <summary>Makes a capability visible to the plugin, as if another plugin published it.</summary>
    public void AddCapability<TCapability>(string pluginId, TCapability capability)
        where TCapability : class
    {
        ArgumentNullException.ThrowIfNull(capability);
        _capabilities.Add(pluginId, typeof(TCapability), () => capability);
    }

    /// <summary>A capability the plugin published (or one added with <see cref="AddCapability"/>).</summary>
    public TCapability? GetCapability<TCapability>()
        where TCapability : class => _capabilities.Get<TCapability>();

    /// <summary>Validates the plugin's options and starts its hosted services, as the host does at start.</summary>
    /// <exception cref="OptionsValidationException">The configuration is invalid; each failure names its key.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        PluginServices.ValidateOptions(_builder, _services);

        foreach (var service in _services.GetServices<IHostedService>())
        {
            await service.StartAsync(cancellationToken);
            _started.Add(service);
        }

        _lifetime.NotifyStarted();
    }

    /// <summary>Stops the started hosted services, in reverse order.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(cancellationToken);
        }

        _started.Clear();
        _lifetime.NotifyStopped();
    }

    /// <summary>Runs a command line as <c>framework &lt;words&gt;</c> would, capturing its output;
    /// exceptions become exit codes and messages as in the host.</summary>
    public Task<CommandResult> RunCommandAsync(params string[] words) => RunCommandAsync(words, CancellationToken.None);

    /// <summary>Runs a command line as <c>framework &lt;words&gt;</c> would, capturing its output:
    /// parsed by the host's own System.CommandLine mapping of the plugin's commands, so that every
    /// spelling the host accepts (<c>--opt value</c>, <c>--opt=value</c>, aliases) works here too.</summary>
    public async Task<CommandResult> RunCommandAsync(IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(words);
        var console = new CapturingConsole();
        var root = new RootCommand();
        var global = GlobalOptions.CreateOptions();
        foreach (var option in global)
        {
            root.Options.Add(option);
        }

        foreach (var command in _builder.Commands)
        {
            root.Subcommands.Add(PluginCommandMapper.Map(command, string.Empty, async (definition, path, values, token) =>
                (await CommandOutcome.RunAsync(path, t => definition.Handler!(new CommandContext(_services, console, values, path), t), console.Error, token)).ExitCode));
        }

        var parse = root.Parse(words.ToArray());
        var hostOptions = global.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (parse.Errors.Count > 0 || hostOptions.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync($"framework: {error.Message}");
            }

            foreach (var name in hostOptions)
            {
                await console.Error.WriteLineAsync($"framework: {name} configures the host, which the harness stands in for: pass settings to PluginHarness.Load instead.");
            }

            return console.ToResult(ExitCodes.Usage);
        }

        var invocation = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        return console.ToResult(await parse.InvokeAsync(invocation, cancellationToken));
    }

    /// <summary>Runs one of the plugin's jobs with its services; its exceptions propagate.</summary>
    public Task RunJobAsync(string name, CancellationToken cancellationToken = default)
    {
        var job = _builder.Jobs.FirstOrDefault(j => j.Name == name)
            ?? throw new ArgumentException($"plugin {Plugin.Id} has no job '{name}' (it has: {string.Join(", ", Jobs)}).", nameof(name));
        return job.Run(_services, cancellationToken);
    }

    /// <summary>Runs every health check of the plugin.</summary>
    public async Task<IReadOnlyDictionary<string, HealthCheckResult>> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var results = new Dictionary<string, HealthCheckResult>(StringComparer.Ordinal);
        foreach (var (name, factory) in _builder.HealthChecks)
        {
            var check = factory(_services);
            results[name] = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration(name, check, null, null) }, cancellationToken);
        }

        return results;
    }

    /// <summary>Stops the plugin, disposes its services and telemetry and unloads its context.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await StopAsync(CancellationToken.None);
        }
        finally
        {
            await _services.DisposeAsync();
            _telemetry.Dispose();
            _loggerFactory.Dispose();
            _lifetime.Dispose();
            _assembly.Unload();
        }
    }

    private static Version ReadContractVersion()
    {
        var version = ContractCompatibility.HostContractVersion;
        return new Version(version.Major, version.Minor, version.Patch);
    }
}
