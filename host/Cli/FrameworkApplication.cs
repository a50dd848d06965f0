using System.CommandLine;
using System.Runtime.InteropServices;
using Framework.Host.Configuration;
using Framework.Host.Discovery;
using Framework.Host.Lifecycle;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Cli;

/// <summary>
/// The composition root of the <c>framework</c> executable: configuration, telemetry, plugin
/// discovery and loading, then the command line (host verbs plus every plugin's verbs).
/// </summary>
public static class FrameworkApplication
{
    /// <summary>Runs the CLI and returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        GlobalOptions global;
        IConfigurationRoot configuration;
        PluginHostOptions options;
        try
        {
            global = GlobalOptions.Scan(args);
            configuration = BuildConfiguration(global);
            options = BindOptions(configuration);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or FileNotFoundException or InvalidOperationException)
        {
            await error.WriteLineAsync($"framework: {Describe(e)}");
            return ExitCodes.Usage;
        }

        var isRun = global.Command == "run";
        var consoleLevel = isRun || global.IsVerbose ? LogLevel.Information : LogLevel.Warning;
        using var hostTelemetry = new HostTelemetry();
        TelemetryPipeline pipeline;
        try
        {
            pipeline = new TelemetryPipeline(configuration, options.Telemetry, hostTelemetry.Version, consoleLevel);
        }
        catch (Telemetry.OtlpJson.OtlpJsonFileException e)
        {
            await error.WriteLineAsync($"framework: {e.Message}");
            return ExitCodes.Usage;
        }

        using var pipelineScope = pipeline;
        using var lifetime = new HostLifetime();
        var loggerFactory = pipeline.LoggerFactory;
        var manager = new PluginManager(options, configuration, loggerFactory, hostTelemetry, lifetime);
        try
        {
            manager.Discover();

            // Plugin sources are known only after discovery; its span is recorded once tracing exists.
            pipeline.Subscribe(manager.Plugins.Where(p => p.State == PluginState.Discovered).Select(p => p.Id));
            manager.ReportDiscovery();
            manager.FlushTelemetry = () => pipeline.ForceFlush();
            manager.LoadAll();

            var console = new SpectreCommandConsole(output, error, interactive: !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out));
            var invoker = new CommandInvoker(hostTelemetry, loggerFactory.CreateLogger("Framework.Host.Cli"), console);
            var root = BuildRoot(manager, lifetime, hostTelemetry, loggerFactory, invoker);
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var parseError in parse.Errors)
                {
                    await error.WriteLineAsync($"framework: {parseError.Message}");
                }

                await error.WriteLineAsync("Run 'framework --help' for usage.");
                return ExitCodes.Usage;
            }

            using var cancellation = new CancellationTokenSource();
            using var signals = isRun ? null : CancelOnSignals(cancellation, lifetime);
            var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(invocation, cancellation.Token);
        }
        finally
        {
            await manager.StopAllAsync(CancellationToken.None);
            pipeline.ForceFlush();
        }
    }

    private static RootCommand BuildRoot(PluginManager manager, HostLifetime lifetime, HostTelemetry telemetry, ILoggerFactory loggerFactory, CommandInvoker invoker)
    {
        var root = new RootCommand("Framework: a plugin host for Linux low-level diagnostics, with OpenTelemetry.")
        {
            new Option<string[]>(GlobalOptions.Set) { Description = "Set a configuration value, e.g. --set Plugins:elf2dmp:Spool:Enabled=true (repeatable).", Recursive = true, Arity = ArgumentArity.ZeroOrMore },
            new Option<string[]>(GlobalOptions.Settings) { Description = "An extra JSON settings file (repeatable).", Recursive = true, Arity = ArgumentArity.ZeroOrMore },
            new Option<string[]>(GlobalOptions.PluginsDir) { Description = "Another folder to discover plugins in (repeatable).", Recursive = true, Arity = ArgumentArity.ZeroOrMore },
            new Option<bool>(GlobalOptions.NoBundledPlugins) { Description = "Do not load the plugins bundled beside the executable.", Recursive = true },
            new Option<bool>(GlobalOptions.Verbose) { Description = "Show informational logs on the console.", Recursive = true },
        };
        root.Subcommands.Add(PluginsCommands.Create(manager, invoker));
        root.Subcommands.Add(RunCommand.Create(manager, lifetime, telemetry, loggerFactory, invoker));

        var logger = loggerFactory.CreateLogger("Framework.Host.Cli");
        var taken = new Dictionary<string, string>(StringComparer.Ordinal) { ["plugins"] = "the host", ["run"] = "the host" };
        foreach (var (plugin, command) in manager.Commands)
        {
            if (taken.TryGetValue(command.Name, out var owner))
            {
                logger.LogError("Plugin {PluginId} declares the command '{Command}', which {Owner} already has; the plugin's command is not available.", plugin.Id, command.Name, owner);
                continue;
            }

            taken[command.Name] = $"plugin '{plugin.Id}'";
            root.Subcommands.Add(PluginCommandMapper.Map(plugin, command, string.Empty, invoker));
        }

        return root;
    }

    /// <summary>Configuration, lowest precedence first: bundled appsettings.json, appsettings.{environment}.json,
    /// --settings files, FRAMEWORK_ environment variables, then --plugins-dir, --no-bundled-plugins and --set.</summary>
    internal static IConfigurationRoot BuildConfiguration(GlobalOptions global)
    {
        var environment = Environment.GetEnvironmentVariable("FRAMEWORK_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{environment}.json", optional: true, reloadOnChange: false);
        foreach (var file in global.SettingsFiles)
        {
            var full = Path.GetFullPath(file);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"{GlobalOptions.Settings}: no such file '{file}'.", full);
            }

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

        overrides.AddRange(global.Values);
        builder.AddInMemoryCollection(overrides);
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"configuration: {e.Message}{(e.InnerException is { } inner ? " " + inner.Message : string.Empty)}", e);
        }
    }

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

    private static IDisposable CancelOnSignals(CancellationTokenSource cancellation, HostLifetime lifetime)
    {
        lifetime.OnStopRequested(cancellation.Cancel);
        void Handler(PosixSignalContext context)
        {
            context.Cancel = true;
            cancellation.Cancel();
        }

        return new Registrations(
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handler),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handler));
    }

    private sealed class Registrations(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
