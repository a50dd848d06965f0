using System.CommandLine;
using System.Globalization;
using Framework.Host.Health;
using Framework.Host.Lifecycle;
using Framework.Host.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Cli;

/// <summary><c>framework run</c>: the long-running host (generic host with console lifetime: stops
/// on Ctrl+C and SIGTERM).</summary>
internal static class RunCommand
{
    public static Command Create(PluginManager manager, HostLifetime pluginLifetime, HostTelemetry telemetry, ILoggerFactory loggerFactory, CommandInvoker invoker)
    {
        var untilDone = new Option<bool>("--until-jobs-done") { Description = "Stop by itself once every plugin's jobs have finished." };
        var afterStart = new Option<bool>("--stop-after-start") { Description = "Stop as soon as every plugin has started (no jobs): a start-up check." };
        var interval = new Option<int>("--health-interval") { Description = "Seconds between health checks.", DefaultValueFactory = _ => 30 };
        var run = new Command("run", "Start every plugin, run their jobs, report health; stop on Ctrl+C or SIGTERM.") { untilDone, afterStart, interval };
        run.SetAction((parse, ct) => invoker.InvokeAsync("run", null, async token =>
        {
            var seconds = parse.GetValue(interval);
            if (seconds <= 0)
            {
                throw new Framework.Abstractions.Commands.CommandUsageException($"--health-interval must be a positive number of seconds, got {seconds}.");
            }

            var settings = new RunSettings(parse.GetValue(untilDone), parse.GetValue(afterStart), TimeSpan.FromSeconds(seconds), (report, moment) => WriteHealth(invoker.Console, report, moment));
            var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddSingleton(loggerFactory);
            builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
            builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o =>
                o.ShutdownTimeout = manager.Timeouts.Stop * (manager.Plugins.Count + 2));
            builder.Services.AddSingleton(manager);
            builder.Services.AddSingleton(pluginLifetime);
            builder.Services.AddSingleton(telemetry);
            builder.Services.AddSingleton(settings);
            builder.Services.AddSingleton<PluginsHostedService>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PluginsHostedService>());
            using var host = builder.Build();
            var plugins = host.Services.GetRequiredService<PluginsHostedService>();
            var logger = loggerFactory.CreateLogger("Framework.Host.Run");
            logger.LogInformation("Framework {Version} starting {Count} plugin(s); Ctrl+C stops.", telemetry.Version, manager.Plugins.Count(p => p.IsUsable));
            await host.RunAsync(token);
            return plugins.FailedJobs > 0 ? ExitCodes.Failure : ExitCodes.Success;
        }, ct));
        return run;
    }

    private static void WriteHealth(SpectreCommandConsole console, PluginHealthReport report, string moment) =>
        console.WriteTable(
            $"Plugins {moment}: {report.Status}",
            ["Id", "Version", "State", "Health", "Load time", "Detail"],
            report.Entries.Select(e => (IReadOnlyList<string>)
            [
                e.Plugin.Id,
                e.Plugin.Version,
                e.Plugin.State.ToString(),
                e.Result.Status.ToString(),
                e.Plugin.LoadTime is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0.0} ms") : "-",
                e.Plugin.StateReason ?? e.Result.Description ?? string.Empty,
            ]));
}
