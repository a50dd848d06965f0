using Framework.Abstractions;
using Framework.Abstractions.Commands;
using System.CommandLine;
using Framework.Host.Cli;
using Framework.Testing.Commands;
using Framework.Host.Configuration;
using Framework.Host.Discovery;
using Framework.Testing.Isolation;
using Framework.Testing.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Testing;

/// <summary>
/// A host for one plugin under test, in either of the host's isolation modes. <see cref="Load"/>
/// reads the built plugin folder the way the <c>framework</c> host does (plugin.json, the contract
/// version check, admission, trust) and then either loads the plugin into this process (a
/// collectible load context that shares only the contract and Microsoft.Extensions.*.Abstractions/
/// Options/Primitives, the one public IPlugin, Configure, the allow-list of host services) or starts
/// it in a plugin-host child (<c>framework plugin-host</c>, confined to its declared capabilities)
/// and drives it over the host's protocol. A test runs commands and jobs, starts and stops hosted
/// services, checks health, and reads the spans, measurements and logs the plugin produced, with the
/// same calls in both modes, so that one test (a theory over <see cref="PluginIsolation"/>) covers
/// both. Disposing stops the plugin and unloads its context, or stops its child.
/// </summary>
public sealed class PluginHarness : IAsyncDisposable
{
    private readonly IPluginUnderTest _plugin;
    private readonly HarnessTelemetry _telemetry;
    private readonly CapturingLoggerProvider _logs;
    private readonly ILoggerFactory _loggerFactory;
    private bool _disposed;

    private PluginHarness(PluginInfo info, PluginIsolation isolation, IPluginUnderTest plugin, HarnessTelemetry telemetry, CapturingLoggerProvider logs, ILoggerFactory loggerFactory)
    {
        Plugin = info;
        Isolation = isolation;
        _plugin = plugin;
        _telemetry = telemetry;
        _logs = logs;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The contract version this harness provides (the Framework.Abstractions it runs with).</summary>
    public static Version ContractVersion { get; } = ReadContractVersion();

    /// <summary>The plugin's id, version, contract version and folder.</summary>
    public PluginInfo Plugin { get; }

    /// <summary>Where the plugin runs: in this process, or in a plugin-host child.</summary>
    public PluginIsolation Isolation { get; }

    /// <summary>The plugin's own services (its registrations plus the host's allow-list).</summary>
    /// <exception cref="InvalidOperationException">The plugin runs out of process: its services live
    /// in its child; drive it through commands, jobs, health and telemetry.</exception>
    public IServiceProvider Services => InProcess(nameof(Services)).Services;

    /// <summary>The top-level commands the plugin declared (out of process, as its child describes
    /// them, with handlers that run them there).</summary>
    public IReadOnlyList<PluginCommand> Commands => _plugin.Commands;

    /// <summary>The names of the plugin's jobs.</summary>
    public IReadOnlyList<string> Jobs => _plugin.Jobs.Select(j => j.Name).ToList();

    /// <summary>The names of the plugin's health checks.</summary>
    public IReadOnlyList<string> HealthChecks => _plugin.HealthChecks;

    /// <summary>True once the plugin called IHostApplicationLifetime.StopApplication.</summary>
    /// <exception cref="InvalidOperationException">The plugin runs out of process, where its lifetime is its child's.</exception>
    public bool StopRequested => InProcess(nameof(StopRequested)).Lifetime.StopRequested;

    /// <summary>The finished spans of the plugin's ActivitySource, in order (out of process, as the
    /// host replays them: same names, kinds, status and tags).</summary>
    public IReadOnlyList<CapturedSpan> Spans => _telemetry.Spans.ToList();

    /// <summary>The measurements on the plugin's Meter, in order; observable instruments are read
    /// each time this is called (out of process, their values as the child last observed them).</summary>
    public IReadOnlyList<CapturedMeasurement> Measurements
    {
        get
        {
            _telemetry.CollectObservable();
            return _telemetry.Measurements.ToList();
        }
    }

    /// <summary>Every log record the plugin wrote, in order (out of process, replayed with the same
    /// category, level and text; an exception is a <c>ReplayedException</c> carrying the child's text).</summary>
    public IReadOnlyList<CapturedLog> Logs => _logs.Logs.ToList();

    /// <summary>
    /// Loads the built plugin in <paramref name="pluginFolder"/> (the folder holding plugin.json)
    /// and runs its Configure, in this process or in a plugin-host child. <paramref name="settings"/>
    /// is the configuration, with the host's keys: the plugin reads <c>Plugins:&lt;id&gt;:...</c>.
    /// Out of process the child is this build's <c>framework plugin-host</c>: the framework
    /// executable named by <c>FRAMEWORK_HOST_PATH</c>, else framework.dll beside the test assembly.
    /// </summary>
    /// <exception cref="PluginLoadException">The folder is not a plugin the host would load, or its
    /// child could not be started; the message is the host's reason (e.g. a newer contract).</exception>
    public static PluginHarness Load(string pluginFolder, IEnumerable<KeyValuePair<string, string?>>? settings = null, PluginIsolation isolation = PluginIsolation.InProcess)
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

        var info = new PluginInfo(manifest.Id, manifest.Version.ToNormalizedString(), manifest.ContractVersion.ToNormalizedString(), folder);
        var logs = new CapturingLoggerProvider();
        var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var telemetry = new HarnessTelemetry(info);
        try
        {
            IPluginUnderTest plugin = isolation == PluginIsolation.Process
                // Off the caller's synchronization context: the start awaits the child's socket.
                ? Task.Run(() => OutOfProcessPlugin.StartAsync(manifest, configuration, loggerFactory, telemetry)).GetAwaiter().GetResult()
                : InProcessPlugin.Load(manifest, info, configuration, loggerFactory, telemetry);
            return new PluginHarness(info, isolation, plugin, telemetry, logs, loggerFactory);
        }
        catch
        {
            telemetry.Dispose();
            loggerFactory.Dispose();
            throw;
        }
    }

    /// <summary>Makes a capability visible to the plugin, as if another plugin published it.</summary>
    public void AddCapability<TCapability>(string pluginId, TCapability capability)
        where TCapability : class
    {
        ArgumentNullException.ThrowIfNull(capability);
        _plugin.AddCapability(pluginId, typeof(TCapability), capability);
    }

    /// <summary>A capability the plugin published (or one added with <see cref="AddCapability"/>).</summary>
    public TCapability? GetCapability<TCapability>()
        where TCapability : class => _plugin.GetCapability<TCapability>();

    /// <summary>Validates the plugin's options and starts its hosted services, as the host does at start.</summary>
    /// <exception cref="OptionsValidationException">In process: the configuration is invalid; each failure names its key.</exception>
    /// <exception cref="InvalidOperationException">Out of process: start failed in the child; the
    /// message is the child's (for invalid options, the same failures naming each key).</exception>
    public Task StartAsync(CancellationToken cancellationToken = default) => _plugin.StartAsync(cancellationToken);

    /// <summary>Stops the started hosted services, in reverse order. Out of process, the child then
    /// exits, as it does when the host stops.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _plugin.StopAsync(cancellationToken);

    /// <summary>Runs a command line as <c>framework &lt;words&gt;</c> would, capturing its output;
    /// exceptions become exit codes and messages as in the host.</summary>
    public Task<CommandResult> RunCommandAsync(params string[] words) => RunCommandAsync(words, CancellationToken.None);

    /// <summary>Runs a command line as <c>framework &lt;words&gt;</c> would, capturing its output:
    /// parsed by the host's own System.CommandLine mapping of the plugin's commands, so that every
    /// spelling the host accepts (<c>--opt value</c>, <c>--opt=value</c>, aliases) works here too.
    /// Out of process the command runs in the child, as the host runs it: a child that dies fails
    /// the command (exit code 1) with how it died.</summary>
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

        foreach (var command in _plugin.Commands)
        {
            root.Subcommands.Add(PluginCommandMapper.Map(command, string.Empty, async (definition, path, values, token) =>
                (await CommandOutcome.RunAsync(path, t => definition.Handler!(new CommandContext(_plugin.CommandServices, console, values, path), t), console.Error, token)).ExitCode));
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

    /// <summary>Runs one of the plugin's jobs with its services; its exceptions propagate (out of
    /// process, as <c>PluginJobFailedException</c> with the child's message, or
    /// <c>PluginHostUnavailableException</c> when the child died).</summary>
    public Task RunJobAsync(string name, CancellationToken cancellationToken = default)
    {
        var job = _plugin.Jobs.FirstOrDefault(j => j.Name == name)
            ?? throw new ArgumentException($"plugin {Plugin.Id} has no job '{name}' (it has: {string.Join(", ", Jobs)}).", nameof(name));
        return job.Run(_plugin.CommandServices, cancellationToken);
    }

    /// <summary>Runs every health check of the plugin.</summary>
    public Task<IReadOnlyDictionary<string, HealthCheckResult>> CheckHealthAsync(CancellationToken cancellationToken = default) =>
        _plugin.CheckHealthAsync(cancellationToken);

    /// <summary>Stops the plugin, disposes its services and telemetry and unloads its context (out
    /// of process: stops its child, or kills one that does not stop in time).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await _plugin.DisposeAsync();
        }
        finally
        {
            _telemetry.Dispose();
            _loggerFactory.Dispose();
        }
    }

    private InProcessPlugin InProcess(string member) =>
        _plugin as InProcessPlugin
        ?? throw new InvalidOperationException($"{member} is not available: plugin {Plugin.Id} runs out of process, in its plugin-host child; drive it through commands, jobs, health and telemetry, or load it with PluginIsolation.InProcess.");

    private static Version ReadContractVersion()
    {
        var version = ContractCompatibility.HostContractVersion;
        return new Version(version.Major, version.Minor, version.Patch);
    }
}
