using System.CommandLine;
using System.Globalization;
using Framework.Host.Health;
using Framework.Host.Lifecycle;

namespace Framework.Host.Cli;

/// <summary><c>framework run</c>: the long-running host (stops on Ctrl+C and SIGTERM, and under
/// systemd tells it when it is ready and when it stops).</summary>
internal static class RunCommand
{
    /// <summary>The command; <paramref name="run"/> starts the generic host with the parsed settings.</summary>
    public static Command Create(CommandInvoker invoker, Func<RunSettings, CancellationToken, Task<int>> run)
    {
        var untilDone = new Option<bool>("--until-jobs-done") { Description = "Stop by itself once every plugin's jobs have finished." };
        var afterStart = new Option<bool>("--stop-after-start") { Description = "Stop as soon as every plugin has started (no jobs): a start-up check." };
        var interval = new Option<int>("--health-interval") { Description = "Seconds between health checks.", DefaultValueFactory = _ => 30 };
        var command = new Command("run", "Start every plugin, run their jobs, report health; stop on Ctrl+C or SIGTERM.") { untilDone, afterStart, interval };
        command.SetAction((parse, ct) => invoker.InvokeAsync("run", null, token =>
        {
            var seconds = parse.GetValue(interval);
            if (seconds <= 0)
            {
                throw new Framework.Abstractions.Commands.CommandUsageException($"--health-interval must be a positive number of seconds, got {seconds}.");
            }

            var settings = new RunSettings(parse.GetValue(untilDone), parse.GetValue(afterStart), TimeSpan.FromSeconds(seconds), (report, moment) => WriteHealth(invoker.Console, report, moment));
            return run(settings, token);
        }, ct));
        return command;
    }

    private static void WriteHealth(SpectreCommandConsole console, PluginHealthReport report, string moment) =>
        console.WriteTable(
            $"Plugins {moment}: {report.Status}",
            ["Id", "Version", "State", "Health", "Load time", "Detail"],
            report.Entries.Select(e => (IReadOnlyList<string>)
            [
                e.Plugin.Id,
                e.Plugin.Version,
                report.StateOf(e.Plugin).State.ToString(),
                e.Result.Status.ToString(),
                e.Plugin.LoadTime is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0.0} ms") : "-",
                report.StateOf(e.Plugin).Reason ?? e.Result.Description ?? string.Empty,
            ]));
}
