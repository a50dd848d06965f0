using Framework.Host.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Tests.Telemetry;

/// <summary>A one-shot command's console logging is built when a record first needs it: records
/// below the lowest level the console logs are dropped without building it, the others build it and
/// are logged as the real logger would, and disposing releases it only if it was built.</summary>
public sealed class DeferredLoggerFactoryTests
{
    [Fact]
    public void A_record_below_the_lowest_enabled_level_does_not_build_the_factory_and_the_others_are_logged()
    {
        var records = new List<string>();
        var builds = 0;
        var deferred = new DeferredLoggerFactory(
            () =>
            {
                builds++;
                var factory = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Warning));
                factory.AddProvider(new ListProvider(records));
                return factory;
            },
            LogLevel.Warning);
        var logger = deferred.CreateLogger("Framework.Host.Discovery");

        logger.LogDebug("plugin discovered");
        logger.LogInformation("plugin loaded");
        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.False(deferred.IsBuilt);

        logger.LogWarning("plugin {Id} degraded", "bpf-runtime");
        Assert.True(logger.IsEnabled(LogLevel.Error));
        deferred.CreateLogger("Framework.Host.Cli").LogError("command failed");
        Assert.Equal(["Warning plugin bpf-runtime degraded", "Error command failed"], records);
        Assert.Equal(1, builds);
        deferred.Dispose();
    }

    [Fact]
    public void Once_a_provider_is_added_records_below_the_console_level_reach_it()
    {
        var console = new List<string>();
        var exporter = new List<string>();
        var deferred = new DeferredLoggerFactory(
            () =>
            {
                var factory = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Information));
                factory.AddProvider(new ListProvider(console));
                return factory;
            },
            LogLevel.Warning);
        var logger = deferred.CreateLogger("Acme.Hello");
        logger.LogInformation("before the exporter");

        deferred.AddProvider(new ListProvider(exporter));
        Assert.Equal(LogLevel.Trace, deferred.LowestEnabled);
        Assert.True(logger.IsEnabled(LogLevel.Information));
        logger.LogInformation("greeted {Name}", "world");

        Assert.Equal(["Information greeted world"], exporter);
        deferred.Dispose();
    }

    [Fact]
    public void Dispose_releases_the_factory_only_when_it_was_built()
    {
        var provider = new ListProvider([]);
        var built = new DeferredLoggerFactory(
            () =>
            {
                var factory = LoggerFactory.Create(_ => { });
                factory.AddProvider(provider);
                return factory;
            },
            LogLevel.Warning);
        built.CreateLogger("Framework.Host.Cli").LogError("needs the factory");
        built.Dispose();
        Assert.True(provider.Disposed);

        var never = new DeferredLoggerFactory(() => throw new InvalidOperationException("must not be built"), LogLevel.Warning);
        never.CreateLogger("Framework.Host.Cli").LogDebug("dropped");
        never.Dispose();
        Assert.False(never.IsBuilt);
    }

    [Fact]
    public void A_factory_that_fails_to_build_raises_its_error_at_the_first_record_it_must_log_and_disposes_quietly()
    {
        var deferred = new DeferredLoggerFactory(() => throw new InvalidDataException("configuration: Logging:LogLevel:Default is 'Loud'"), LogLevel.Warning);
        var logger = deferred.CreateLogger("Framework.Host.Cli");
        logger.LogDebug("dropped without the factory");
        var error = Assert.Throws<InvalidDataException>(() => logger.LogError("needs the factory"));
        Assert.Contains("Loud", error.Message, StringComparison.Ordinal);
        deferred.Dispose();
    }

    [Theory]
    [InlineData(LogLevel.Warning, new string[0], LogLevel.Warning)]
    [InlineData(LogLevel.Information, new string[0], LogLevel.Information)]
    [InlineData(LogLevel.Warning, new[] { "Logging:LogLevel:Default=Trace", "Logging:LogLevel:Framework=Debug" }, LogLevel.Warning)]
    [InlineData(LogLevel.Warning, new[] { "Logging:Console:LogLevel:Framework.Host.Discovery=Debug" }, LogLevel.Debug)]
    [InlineData(LogLevel.Warning, new[] { "Logging:Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider:LogLevel:Default=Trace" }, LogLevel.Trace)]
    [InlineData(LogLevel.Warning, new[] { "Logging:Console:LogLevel:Default=None" }, LogLevel.Warning)]
    public void The_lowest_console_level_is_the_console_rule_unless_a_console_category_level_goes_lower(LogLevel consoleLevel, string[] settings, LogLevel expected)
    {
        var configuration = Configuration(settings);
        Assert.Equal(expected, FrameworkTelemetryExtensions.LowestConsoleLevel(configuration, consoleLevel));
    }

    /// <summary>The property the early drop depends on: the real console logger enables nothing
    /// below the computed level, for any category, under settings that try to lower it.</summary>
    [Theory]
    [InlineData(LogLevel.Warning, new string[0])]
    [InlineData(LogLevel.Warning, new[] { "Logging:LogLevel:Default=Trace", "Logging:LogLevel:Framework.Host=Debug" })]
    [InlineData(LogLevel.Information, new[] { "Logging:LogLevel:Default=Trace" })]
    [InlineData(LogLevel.Warning, new[] { "Logging:Console:LogLevel:Framework.Host.Discovery=Debug", "Logging:LogLevel:Default=Trace" })]
    [InlineData(LogLevel.Warning, new[] { "Logging:Console:LogLevel:Default=Trace" })]
    public void The_real_console_logger_enables_nothing_below_the_lowest_console_level(LogLevel consoleLevel, string[] settings)
    {
        var configuration = Configuration(settings);
        var lowest = FrameworkTelemetryExtensions.LowestConsoleLevel(configuration, consoleLevel);
        using var factory = LoggerFactory.Create(l => l.AddFrameworkConsole(configuration, consoleLevel));
        foreach (var category in new[] { "Framework.Host.Discovery", "Framework.Host", "Framework.Plugins.BpfRuntime", "Microsoft.Extensions.Hosting", "Other" })
        {
            var logger = factory.CreateLogger(category);
            foreach (var level in Enum.GetValues<LogLevel>().Where(l => l < lowest))
            {
                Assert.False(logger.IsEnabled(level), $"{category} logs {level}, below the computed lowest level {lowest}");
            }
        }
    }

    private static IConfiguration Configuration(string[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(p => new KeyValuePair<string, string?>(p[0], p[1]))).Build();

    private sealed class ListProvider(List<string> records) : ILoggerProvider
    {
        public bool Disposed { get; private set; }

        public ILogger CreateLogger(string categoryName) => new ListLogger(records);

        public void Dispose() => Disposed = true;
    }

    private sealed class ListLogger(List<string> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            records.Add($"{logLevel} {formatter(state, exception)}");
    }
}
