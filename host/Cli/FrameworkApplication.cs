using System.CommandLine;
using Framework.Abstractions.Commands;
using Framework.Host.Configuration;
using Framework.Host.Lifecycle;
using Framework.Host.Telemetry;
using Framework.Host.Telemetry.OtlpJson;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Framework.Host.Cli;

/// <summary>
/// The composition root of the <c>framework</c> executable, in the order data flows: global options
/// (System.CommandLine), configuration, telemetry (which subscribes to plugin sources by name
/// pattern, so it needs nothing from discovery), plugin discovery, loading (every plugin for
/// <c>run</c>, <c>plugins</c> and root help; only the verb's owner for a one-shot command), then the
/// full command line. <c>framework run</c> is a generic host with <c>AddOpenTelemetry()</c> and
/// systemd integration; one-shot commands use <c>OpenTelemetrySdk.Create</c>.
/// </summary>
public static class FrameworkApplication
{
    private const string RunVerb = "run";
    private const string PluginsVerb = "plugins";

    /// <summary>Runs the CLI and returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        if (args is [Isolation.Child.PluginHostCommand.Verb, .. var childArguments])
        {
            return await Isolation.Child.PluginHostCommand.RunAsync(childArguments, error ?? Console.Error);
        }

        // Ahead, on two threads of their own (see StartupAhead), each in the order the main thread
        // needs them: what configuration and telemetry need, and what discovery needs.
        var settingsAhead = new StartupAhead("settings ahead");
        var bundled = settingsAhead.Add(BundledSettings.Read);
        var writers = settingsAhead.Add(() => new ConsoleWriters(output ?? Console.Out, error ?? Console.Error));
        var telemetryAhead = settingsAhead.Add(() => new HostTelemetry());
        settingsAhead.Start();
        var pluginsAhead = new StartupAhead("plugins ahead");
        pluginsAhead.Add(Discovery.DiscoveryReadAhead.Prepare(PluginManager.BundledPluginsFolder, args));
        pluginsAhead.Start();

        GlobalOptions global;
        IConfigurationRoot configuration;
        PluginHostOptions options;
        TelemetryExporters exporters;
        OtlpJsonFile? file;
        try
        {
            global = GlobalOptions.Parse(args);
            configuration = BuildConfiguration(global, bundled);
            LoggingLevels.Validate(configuration);
            options = BindOptions(configuration);
            exporters = TelemetryExporters.FromEnvironment(options.Telemetry.MetricExportIntervalMilliseconds);
            file = OtlpJsonFile.Open(options.Telemetry.FilePath);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or FileNotFoundException or InvalidOperationException or OtlpJsonFileException)
        {
            // Waited for synchronously, here and below: awaiting a task that has not finished yet
            // would suspend this method and bring up the async machinery (JIT) on every start.
            telemetryAhead.GetAwaiter().GetResult().Dispose();
            await writers.GetAwaiter().GetResult().Error.WriteLineAsync($"framework: {Describe(e)}");
            return ExitCodes.Usage;
        }

        (output, error) = writers.GetAwaiter().GetResult();

        using var fileScope = file;
        using var hostTelemetry = telemetryAhead.GetAwaiter().GetResult();
        using var lifetime = new HostLifetime();
        // Informational logs (plugin state changes, plugins' own progress) only with --verbose, for
        // every command: 'run' shows its tables, its jobs' outcomes, warnings and errors.
        var consoleLevel = global.IsVerbose ? LogLevel.Information : LogLevel.Warning;
        var context = new Composition(args, global, configuration, options, exporters, file, hostTelemetry, lifetime, consoleLevel, output, error);
        return global.Command == RunVerb ? await RunHostAsync(context) : await RunOneShotAsync(context);
    }

    /// <summary>A one-shot command: only the plugin that owns the verb, loaded in a context that is
    /// never unloaded (the process exits), and the OpenTelemetry SDK's own providers only when some
    /// signal has an exporter.</summary>
    private static async Task<int> RunOneShotAsync(Composition c)
    {
        using var sdk = c.Exporters.IsEmpty && c.File is null ? null : OpenTelemetrySdk.Create(otel =>
        {
            otel.Services.AddLogging(logging => logging.AddFrameworkConsole(c.Configuration, c.ConsoleLevel));
            otel.AddFrameworkTelemetry(c.Exporters, c.File, c.Telemetry.Version);
        });
        using ILoggerFactory? consoleOnly = sdk is null ? new DeferredLoggerFactory(() => LoggerFactory.Create(logging => logging.AddFrameworkConsole(c.Configuration, c.ConsoleLevel)), FrameworkTelemetryExtensions.LowestConsoleLevel(c.Configuration, c.ConsoleLevel)) : null;
        var loggerFactory = sdk?.GetLoggerFactory() ?? consoleOnly!;
        var manager = new PluginManager(c.Options, c.Configuration, loggerFactory, c.Telemetry, c.Lifetime, sdk?.MeterProvider, unloadable: false);
        try
        {
            var verb = c.Global.Command is { } command && command != PluginsVerb ? command : null;
            manager.Discover(verb);
            HostCommandLine? line = null;
            void Prepare() => line = CreateCommandLine(c, manager, loggerFactory, (_, _) => throw new InvalidOperationException("'run' is started as the long-running host, never as a one-shot command."));
            if (verb is not null)
            {
                manager.Load(manager.OwnersOf(verb), Prepare);
            }
            else
            {
                manager.LoadAll(Prepare);
            }

            return await InvokeAsync(c, manager, line!);
        }
        finally
        {
            await manager.StopAllAsync(CancellationToken.None);
        }
    }

    /// <summary><c>framework run</c>: the generic host, built before any plugin loads so that plugins
    /// log through its logging and are traced by its OpenTelemetry providers.</summary>
    private static async Task<int> RunHostAsync(Composition c)
    {
        RunSettings? settings = null;
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(c.Configuration);
        builder.Configuration.AddInMemoryCollection(OpenTelemetryVariables());
        builder.Logging.AddFrameworkConsole(c.Configuration, c.ConsoleLevel, PluginsHostedService.JobsCategory);
        builder.Services.AddOpenTelemetry().AddFrameworkTelemetry(c.Exporters, c.File, c.Telemetry.Version);
        builder.Services.AddFrameworkSystemd();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddOptions<HostOptions>().Configure<PluginManager>((o, manager) => o.ShutdownTimeout = manager.Timeouts.Stop * (manager.Plugins.Count + 2));
        builder.Services.AddSingleton(sp => new PluginManager(c.Options, c.Configuration, sp.GetRequiredService<ILoggerFactory>(), c.Telemetry, c.Lifetime, sp.GetService<MeterProvider>()));
        builder.Services.AddSingleton(c.Lifetime);
        builder.Services.AddSingleton(c.Telemetry);
        builder.Services.AddSingleton(_ => settings ?? throw new InvalidOperationException("the run settings are read before the host starts."));
        builder.Services.AddSingleton<PluginsHostedService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PluginsHostedService>());
        using var host = builder.Build();

        // The providers listen from now on, so discovery and loading are traced.
        _ = host.Services.GetService<TracerProvider>();
        _ = host.Services.GetService<MeterProvider>();
        var loggerFactory = host.Services.GetRequiredService<ILoggerFactory>();
        var manager = host.Services.GetRequiredService<PluginManager>();

        // A fault is remembered when it happens: stopping may move a faulted plugin on, and the exit
        // code must still say that the run did not go as asked.
        var faulted = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        manager.StateChanged += (plugin, _) =>
        {
            if (plugin.State == PluginState.Faulted)
            {
                faulted.TryAdd($"{plugin.Id} {plugin.Version}", plugin.StateReason ?? "faulted");
            }
        };
        try
        {
            manager.Discover();
            HostCommandLine? line = null;
            manager.LoadAll(() => line = CreateCommandLine(c, manager, loggerFactory, async (run, token) =>
            {
                settings = run;
                var logger = loggerFactory.CreateLogger("Framework.Host.Run");
                logger.LogInformation("Framework {Version} starting {Count} plugin(s); Ctrl+C stops.", c.Telemetry.Version, manager.Plugins.Count(p => p.IsUsable));
                var plugins = host.Services.GetRequiredService<PluginsHostedService>();

                // Not RunAsync: it disposes the host, whose providers must outlive the plugins' stop.
                await host.StartAsync(token);
                await host.WaitForShutdownAsync(token);
                return RunOutcome(logger, plugins.FailedJobs, faulted);
            }));
            return await InvokeAsync(c, manager, line!);
        }
        finally
        {
            await manager.StopAllAsync(CancellationToken.None);
        }
    }

    /// <summary>A run succeeded only when no job failed and no plugin faulted (refused and skipped
    /// plugins were never meant to run and do not count).</summary>
    private static int RunOutcome(ILogger logger, int failedJobs, System.Collections.Concurrent.ConcurrentDictionary<string, string> faulted)
    {
        if (failedJobs == 0 && faulted.IsEmpty)
        {
            return ExitCodes.Success;
        }

        logger.LogError(
            "The run failed: {FailedJobs} job(s) failed, {Faulted} plugin(s) faulted{List}; exit code 1.",
            failedJobs,
            faulted.Count,
            faulted.IsEmpty ? string.Empty : " (" + string.Join("; ", faulted.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}: {f.Value}")) + ")");
        return ExitCodes.Failure;
    }

    private static async Task<int> InvokeAsync(Composition c, PluginManager manager, HostCommandLine line)
    {
        AddPluginCommands(line, manager);
        var parse = line.Root.Parse(c.Args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await c.Error.WriteLineAsync($"framework: {parseError.Message}");
            }

            await c.Error.WriteLineAsync("Run 'framework --help' for usage.");
            return ExitCodes.Usage;
        }

        // 'run' is stopped by SIGTERM as a service is: the generic host's lifetime handles it, exit 0.
        using var signals = c.Global.Command == RunVerb ? null : new SignalCancellation(c.Lifetime);
        var invocation = new InvocationConfiguration { Output = c.Output, Error = c.Error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        var exitCode = await parse.InvokeAsync(invocation, signals?.Token ?? CancellationToken.None);
        return signals?.ExitCode ?? exitCode;
    }

    /// <summary>The console, the invoker and the root command with the global options and the host's
    /// own commands: nothing here needs a plugin, so it is built while plugins load.</summary>
    private static HostCommandLine CreateCommandLine(Composition c, PluginManager manager, ILoggerFactory loggerFactory, Func<RunSettings, CancellationToken, Task<int>> run)
    {
        var console = new SpectreCommandConsole(c.Output, c.Error, interactive: !Console.IsOutputRedirected && ReferenceEquals(c.Output, Console.Out));
        var logger = loggerFactory.CreateLogger("Framework.Host.Cli");
        var invoker = new CommandInvoker(c.Telemetry, logger, console);
        var root = new RootCommand("Framework: a plugin host for Linux low-level diagnostics, with OpenTelemetry.");
        foreach (var option in GlobalOptions.CreateOptions())
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(PluginsCommands.Create(manager, invoker));
        root.Subcommands.Add(RunCommand.Create(invoker, run));
        return new HostCommandLine(root, invoker, logger);
    }

    /// <summary>Adds each loaded plugin's commands; a name the host or an earlier plugin has is refused.</summary>
    private static void AddPluginCommands(HostCommandLine line, PluginManager manager)
    {
        var taken = new Dictionary<string, string>(StringComparer.Ordinal) { [PluginsVerb] = "the host", [RunVerb] = "the host" };

        // Plain loops over the plugins and their commands, not PluginManager.Commands: LINQ over
        // value tuples is generic code across assemblies, compiled at run time in every process.
        foreach (var plugin in manager.Plugins)
        {
            if (plugin.IsUsable && plugin.Builder is { } builder)
            {
                foreach (var command in builder.Commands)
                {
                    AddPluginCommand(line, taken, plugin, command);
                }
            }
        }
    }

    private static void AddPluginCommand(HostCommandLine line, Dictionary<string, string> taken, PluginRuntime plugin, PluginCommand command)
    {
        var (root, invoker, logger) = line;
        if (taken.TryGetValue(command.Name, out var owner))
        {
            logger.LogError("Plugin {PluginId} declares the command '{Command}', which {Owner} already has; the plugin's command is not available.", plugin.Id, command.Name, owner);
            return;
        }

        if (plugin.Manifest is { Commands.Count: > 0 } manifest && !manifest.Commands.Contains(command.Name, StringComparer.Ordinal))
        {
            logger.LogWarning("Plugin {PluginId} adds the command '{Command}', which its manifest does not list (PluginCommands in its project): 'framework {Command}' will not load it.", plugin.Id, command.Name, command.Name);
        }

        taken[command.Name] = $"plugin '{plugin.Id}'";
        root.Subcommands.Add(PluginCommandMapper.Map(command, string.Empty, (definition, path, values, cancellationToken) =>
            invoker.InvokeAsync(path, plugin, token =>
            {
                if (!plugin.IsUsable || plugin.Services is not { } services)
                {
                    throw new InvalidOperationException($"plugin '{plugin.Id}' is {plugin.State.ToString().ToLowerInvariant()}: {plugin.StateReason}");
                }

                return definition.Handler!(new CommandContext(services, invoker.Console, values, path), token);
            }, cancellationToken)));
    }

    /// <summary>The OTEL_* environment variables, as configuration keys: the OpenTelemetry exporters
    /// read their endpoint, protocol and headers from the host's configuration.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> OpenTelemetryVariables() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => e.Key is string key && key.StartsWith("OTEL_", StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string));

    /// <summary>Standard output and error. A class, not a value tuple: a task of a tuple is generic
    /// code compiled at run time in every process.</summary>
    private sealed record ConsoleWriters(TextWriter Output, TextWriter Error);

    /// <summary>The root command being assembled, with what plugin commands are added through.</summary>
    private sealed record HostCommandLine(RootCommand Root, CommandInvoker Invoker, ILogger Logger);

    /// <summary>What the composition root decided before choosing how to run.</summary>
    private sealed record Composition(
        string[] Args,
        GlobalOptions Global,
        IConfigurationRoot Configuration,
        PluginHostOptions Options,
        TelemetryExporters Exporters,
        OtlpJsonFile? File,
        HostTelemetry Telemetry,
        HostLifetime Lifetime,
        LogLevel ConsoleLevel,
        TextWriter Output,
        TextWriter Error);

    /// <summary>Configuration, lowest precedence first: bundled appsettings.json, appsettings.{environment}.json,
    /// --settings files, FRAMEWORK_ environment variables, then --plugins-dir, --no-bundled-plugins and --set.</summary>
    internal static IConfigurationRoot BuildConfiguration(GlobalOptions global, Task<IConfigurationRoot>? bundled = null)
    {
        // A missing --settings file is named before any file is parsed, as before the bundled
        // settings were read ahead.
        var settingsFiles = new List<string>();
        foreach (var file in global.SettingsFiles)
        {
            var full = Path.GetFullPath(file);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"{GlobalOptions.Settings}: no such file '{file}'.", full);
            }

            settingsFiles.Add(full);
        }

        var builder = new ConfigurationBuilder();
        try
        {
            builder.AddConfiguration(bundled?.GetAwaiter().GetResult() ?? BundledSettings.Read());
        }
        catch (InvalidDataException e)
        {
            throw ConfigurationError(e);
        }

        foreach (var full in settingsFiles)
        {
            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables("FRAMEWORK_");
        var overrides = new List<KeyValuePair<string, string?>>();
        for (var i = 0; i < global.PluginDirectories.Count; i++)
        {
            // Past any index a settings file would use, so --plugins-dir adds to configured paths.
            overrides.Add(new($"{PluginHostOptions.Section}:PluginPaths:{1000 + i}", Path.GetFullPath(global.PluginDirectories[i])));
        }

        if (global.SkipBundled)
        {
            overrides.Add(new($"{PluginHostOptions.Section}:LoadBundledPlugins", "false"));
        }

        foreach (var value in global.Values)
        {
            overrides.Add(value);
        }

        builder.AddInMemoryCollection(overrides);
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw ConfigurationError(e);
        }
    }

    // A file that does not parse, named with the parser's reason (the bundled files, read ahead, and
    // the --settings files alike).
    private static InvalidDataException ConfigurationError(InvalidDataException e) =>
        new($"configuration: {e.Message}{(e.InnerException is { } inner ? " " + inner.Message : string.Empty)}", e);

    internal static PluginHostOptions BindOptions(IConfiguration configuration)
    {
        var options = new PluginHostOptions();
        try
        {
            configuration.GetSection(PluginHostOptions.Section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"configuration section '{PluginHostOptions.Section}': {Describe(e)}", e);
        }

        foreach (var (name, value) in new[] { ("Configure", options.Timeouts.Configure), ("Start", options.Timeouts.Start), ("Stop", options.Timeouts.Stop), ("HealthCheck", options.Timeouts.HealthCheck) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"{PluginHostOptions.Section}:Timeouts:{name} must be positive, got {value}.");
            }
        }

        return options;
    }

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} {inner.Message}" : e.Message;
}
