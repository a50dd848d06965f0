using System.Collections.Concurrent;
using Framework.Host.Cli;
using Framework.Host.Configuration;
using Framework.Host.Lifecycle;
using Framework.Host.Telemetry;
using Framework.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Tests.Infrastructure;

/// <summary>A plugin manager over a sandbox folder, with logs captured, as the real host builds it.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private TestHost(PluginManager manager, CapturingLoggerProvider logs, ILoggerFactory loggerFactory, HostTelemetry telemetry, HostLifetime lifetime, IConfiguration configuration)
    {
        Manager = manager;
        Logs = logs;
        LoggerFactory = loggerFactory;
        Telemetry = telemetry;
        Lifetime = lifetime;
        Configuration = configuration;
    }

    public PluginManager Manager { get; }

    public CapturingLoggerProvider Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    public HostTelemetry Telemetry { get; }

    public HostLifetime Lifetime { get; }

    public IConfiguration Configuration { get; }

    public static TestHost Create(PluginSandbox sandbox, IDictionary<string, string?>? settings = null, OpenTelemetry.Metrics.MeterProvider? meters = null, bool unloadable = true)
    {
        Environment.SetEnvironmentVariable("FRAMEWORK_TEST_MARKER_DIR", sandbox.MarkerDirectory);
        var values = new Dictionary<string, string?>
        {
            ["Host:LoadBundledPlugins"] = "false",
            ["Host:PluginPaths:0"] = sandbox.Root,
            ["Host:Timeouts:Configure"] = "00:00:02",
            ["Host:Timeouts:Start"] = "00:00:02",
            ["Host:Timeouts:Stop"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = FrameworkApplication.BindOptions(configuration);
        var logs = new CapturingLoggerProvider();
        var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var telemetry = new HostTelemetry();
        var lifetime = new HostLifetime();
        return new TestHost(new PluginManager(options, configuration, loggerFactory, telemetry, lifetime, meters, unloadable), logs, loggerFactory, telemetry, lifetime, configuration);
    }

    public PluginRuntime Plugin(string id) => Manager.Plugins.Single(p => p.Id == id);

    /// <summary>Discovers and loads everything in the sandbox and returns where plugin <paramref name="id"/> ended.</summary>
    public static async Task<(PluginState State, string? StateReason)> DiscoverAndLoadAsync(PluginSandbox sandbox, string id, IDictionary<string, string?>? settings = null)
    {
        await using var host = Create(sandbox, settings);
        host.Manager.Discover();
        host.Manager.LoadAll();
        return (host.Plugin(id).State, host.Plugin(id).StateReason);
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        LoggerFactory.Dispose();
        Telemetry.Dispose();
        Lifetime.Dispose();
    }
}

/// <summary>Keeps every log line, formatted, for assertions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public bool Contains(LogLevel level, string fragment) =>
        Entries.Any(e => e.Level == level && e.Message.Contains(fragment, StringComparison.Ordinal));

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, category, formatter(state, exception)));
    }
}

/// <summary>A console for calling plugin command handlers directly.</summary>
internal sealed class StringCommandConsole : Framework.Abstractions.Commands.ICommandConsole
{
    public TextWriter Out { get; } = new StringWriter();

    public TextWriter Error { get; } = new StringWriter();

    public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        foreach (var row in rows)
        {
            Out.WriteLine(string.Join(" | ", row));
        }
    }

    public Framework.Abstractions.Commands.IProgressReporter StartProgress(string description, long total) => throw new NotSupportedException();
}
