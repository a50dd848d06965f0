using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Tests.Telemetry;

/// <summary>A plugin's logger provider attached through the ILoggerFactory the plugin is given
/// (contract 1.1, IPluginBuilder.Services): it sees the host's records and every plugin's, is
/// isolated from its own failures and recursion, and is detached and released when the plugin stops.</summary>
public sealed class PluginLoggerFactoryTests
{
    [Fact]
    public void A_provider_the_plugin_adds_receives_the_host_records_and_its_own_with_the_plugin_scope_on_its_own()
    {
        using var host = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Information));
        var plugin = new PluginLoggerFactory(host, "exporter", "1.2.3");
        var exporter = new RecordingProvider();
        plugin.AddProvider(exporter);

        host.CreateLogger("Host.Start").LogInformation("host {Phase}", "started");
        plugin.CreateLogger("Plugin.Work").LogWarning("plugin says {What}", "hello");
        new PluginLoggerFactory(host, "other", "2.0.0").CreateLogger("Other").LogError("another plugin");
        host.CreateLogger("Host.Chatter").LogDebug("below the host's minimum level");

        Assert.Equal(
            ["Host.Start Information host started", "Plugin.Work Warning plugin says hello", "Other Error another plugin"],
            exporter.Records.Select(r => $"{r.Category} {r.Level} {r.Message}"));
        Assert.Equal(1, plugin.ContributedProviders);
    }

    [Fact]
    public void Stopping_the_plugin_detaches_and_disposes_its_provider_and_the_host_logs_on_without_it()
    {
        using var host = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Information));
        var hostRecords = new RecordingProvider();
        host.AddProvider(hostRecords);
        var plugin = new PluginLoggerFactory(host, "exporter", "1.0.0");
        var exporter = new RecordingProvider();
        plugin.AddProvider(exporter);
        var logger = host.CreateLogger("Host");
        logger.LogInformation("before");

        plugin.Dispose();
        plugin.Dispose();
        logger.LogInformation("after");

        Assert.Equal(["before"], exporter.Records.Select(r => r.Message));
        Assert.Equal(1, exporter.Disposals);
        Assert.Equal(["before", "after"], hostRecords.Records.Select(r => r.Message));
        Assert.Equal(0, plugin.ContributedProviders);
        Assert.False(logger.IsEnabled(LogLevel.Trace));
        Assert.Throws<ObjectDisposedException>(() => plugin.AddProvider(new RecordingProvider()));
    }

    [Fact]
    public void After_the_plugin_stops_the_host_keeps_no_reference_to_its_provider_or_loggers()
    {
        using var host = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Information));
        var logger = host.CreateLogger("Host");
        var released = AttachLogAndStop(host, logger);
        logger.LogInformation("after the plugin stopped");

        for (var i = 0; i < 5 && released.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(released.IsAlive, "the host's logging still references the stopped plugin's provider");
    }

    [Fact]
    public void A_record_the_provider_logs_while_handling_one_is_not_fed_back_to_it_but_reaches_the_host()
    {
        using var host = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Information));
        var hostRecords = new RecordingProvider();
        host.AddProvider(hostRecords);
        var plugin = new PluginLoggerFactory(host, "exporter", "1.0.0");
        var exporter = new RecordingProvider { OnLog = () => plugin.CreateLogger("Exporter.Self").LogWarning("dropped an event") };
        plugin.AddProvider(exporter);

        host.CreateLogger("Host").LogInformation("one record");

        Assert.Equal(["one record"], exporter.Records.Select(r => r.Message));
        Assert.Equal(["one record", "dropped an event"], hostRecords.Records.Select(r => r.Message));
    }

    [Fact]
    public void A_provider_that_throws_does_not_fail_the_code_that_logged_nor_the_other_providers()
    {
        using var host = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Information));
        var hostRecords = new RecordingProvider();
        host.AddProvider(hostRecords);
        var plugin = new PluginLoggerFactory(host, "broken", "1.0.0");
        plugin.AddProvider(new RecordingProvider { OnLog = () => throw new InvalidOperationException("exporter is broken") });

        host.CreateLogger("Host").LogInformation("still logged");

        Assert.Equal(["still logged"], hostRecords.Records.Select(r => r.Message));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference AttachLogAndStop(ILoggerFactory host, ILogger logger)
    {
        var plugin = new PluginLoggerFactory(host, "exporter", "1.0.0");
        var exporter = new RecordingProvider();
        plugin.AddProvider(exporter);
        logger.LogInformation("while attached");
        Assert.Single(exporter.Records);
        plugin.Dispose();
        return new WeakReference(exporter);
    }

    private sealed record Record(string Category, LogLevel Level, string Message);

    private sealed class RecordingProvider : ILoggerProvider
    {
        public ConcurrentQueue<Record> Records { get; } = new();

        public Action? OnLog { get; init; }

        public int Disposals { get; private set; }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() => Disposals++;

        private sealed class Logger(RecordingProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                owner.Records.Enqueue(new Record(category, logLevel, formatter(state, exception)));
                owner.OnLog?.Invoke();
            }
        }
    }
}
