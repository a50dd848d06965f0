using System.Reflection;
using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Framework.Abstractions.Commands;
using Framework.Testing.Commands;
using Framework.Host.Lifecycle;
using Framework.Testing.Lifecycle;
using Framework.Testing.Loading;
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
    private readonly HarnessLoadContext _context;
    private readonly PluginBuilder _builder;
    private readonly HarnessTelemetry _telemetry;
    private readonly CapturingLoggerProvider _logs;
    private readonly ILoggerFactory _loggerFactory;
    private readonly HarnessLifetime _lifetime;
    private readonly HarnessCapabilities _capabilities;
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started = [];
    private bool _disposed;

    private PluginHarness(HarnessLoadContext context, PluginBuilder builder, HarnessTelemetry telemetry, CapturingLoggerProvider logs, ILoggerFactory loggerFactory, HarnessLifetime lifetime, HarnessCapabilities capabilities, ServiceProvider services)
    {
        _context = context;
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
        var manifest = HarnessManifest.Read(folder);
        if (manifest.CheckContract(ContractVersion) is { } problem)
        {
            throw new PluginLoadException($"plugin {manifest.Id} at {folder} refused: {problem}");
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var section = configuration.GetSection($"Plugins:{manifest.Id}");
        var info = new PluginInfo(manifest.Id, manifest.Version, $"{manifest.ContractVersion.Major}.{manifest.ContractVersion.Minor}.{Math.Max(manifest.ContractVersion.Build, 0)}", folder);

        var context = new HarnessLoadContext(manifest.Id, manifest.EntryAssemblyPath);
        var builder = new PluginBuilder(info, section);
        try
        {
            var assembly = context.LoadFromAssemblyPath(manifest.EntryAssemblyPath);
            var entryTypes = assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPlugin).IsAssignableFrom(t)).ToList();
            if (entryTypes.Count != 1)
            {
                throw new PluginLoadException($"{Path.GetFileName(manifest.EntryAssemblyPath)} must have exactly one public IPlugin class; it has {entryTypes.Count}.");
            }

            var plugin = (IPlugin)Activator.CreateInstance(entryTypes[0])!;
            plugin.Configure(builder);
            builder.Seal();
        }
        catch (Exception e) when (e is not PluginLoadException)
        {
            context.Unload();
            throw new PluginLoadException($"plugin {manifest.Id} failed to load: {e.GetType().Name}: {e.Message}", e);
        }
        catch
        {
            context.Unload();
            throw;
        }

        var logs = new CapturingLoggerProvider();
        var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var telemetry = new HarnessTelemetry(info);
        var lifetime = new HarnessLifetime();
        var capabilities = new HarnessCapabilities();

        // The allow-list of host services a plugin sees, as in the host.
        IServiceCollection services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton<IConfiguration>(section);
        services.AddSingleton(info);
        services.AddSingleton<IPluginTelemetry>(telemetry);
        services.AddSingleton<IHostApplicationLifetime>(lifetime);
        services.AddSingleton<ICapabilities>(capabilities);
        services.AddSingleton(TimeProvider.System);
        services.AddOptions();
        foreach (var descriptor in builder.Services)
        {
            services.Add(descriptor);
        }

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        foreach (var (type, factory) in builder.Capabilities)
        {
            capabilities.Add(info.Id, type, () => factory(provider));
        }

        return new PluginHarness(context, builder, telemetry, logs, loggerFactory, lifetime, capabilities, provider);
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
        foreach (var type in _builder.OptionsTypes)
        {
            var options = _services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            try
            {
                _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            }
        }

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

    /// <summary>Runs a command line as <c>framework &lt;words&gt;</c> would, capturing its output.</summary>
    public async Task<CommandResult> RunCommandAsync(IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(words);
        var console = new CapturingConsole();
        var path = string.Join(' ', words.TakeWhile(w => !w.StartsWith('-')));
        try
        {
            var (command, commandPath, values) = CommandLineBinder.Bind(_builder.Commands, words);
            path = commandPath;
            var exitCode = await command.Handler!(new CommandContext(_services, console, values, commandPath), cancellationToken);
            return console.ToResult(exitCode);
        }
        catch (CommandUsageException e)
        {
            await console.Error.WriteLineAsync(Framework.Host.Cli.UsageMessage.Format(path, e.Message));
            return console.ToResult(2);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync($"framework {path}: cancelled.");
            return console.ToResult(1);
        }
#pragma warning disable CA1031 // The host turns any failure of a command into exit code 1; so does the harness.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await console.Error.WriteLineAsync($"framework {path}: {e.GetType().Name}: {e.Message}");
            return console.ToResult(1);
        }
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
            _context.Unload();
        }
    }

    private static Version ReadContractVersion()
    {
        var informational = typeof(IPlugin).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var plain = informational?.Split('+', '-')[0];
        return plain is not null && Version.TryParse(plain, out var version)
            ? version
            : typeof(IPlugin).Assembly.GetName().Version ?? new Version(1, 0, 0);
    }
}
