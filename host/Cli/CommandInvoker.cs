using System.Diagnostics;
using Framework.Host.Lifecycle;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Cli;

/// <summary>Runs a command handler, host or plugin, in a span, and turns its outcome into an exit
/// code as <see cref="CommandOutcome"/> says, recording the invocation on the host's counter.</summary>
internal sealed class CommandInvoker(HostTelemetry telemetry, ILogger logger, SpectreCommandConsole console)
{
    public SpectreCommandConsole Console => console;

    public async Task<int> InvokeAsync(string path, PluginRuntime? plugin, Func<CancellationToken, Task<int>> handler, CancellationToken cancellationToken)
    {
        using var activity = telemetry.ActivitySource.StartActivity($"command {path}");
        activity?.SetTag("framework.command", path);
        if (plugin is not null)
        {
            activity?.SetTag(TelemetryNames.PluginId, plugin.Id);
            activity?.SetTag(TelemetryNames.PluginVersion, plugin.Version);
        }

        var (exitCode, failure) = await CommandOutcome.RunAsync(path, handler, console.Error, cancellationToken);
        if (failure is not null)
        {
            // The console already has the one-line reason; the stack trace goes to telemetry only.
            logger.LogDebug(failure, "Command {Command} failed.", path);
            activity?.AddException(failure);
        }

        activity?.SetTag("framework.command.exit_code", exitCode);
        if (exitCode != ExitCodes.Success)
        {
            activity?.SetStatus(ActivityStatusCode.Error, $"exit code {exitCode}");
        }

        if (telemetry.CommandInvocations.Enabled)
        {
            telemetry.CommandInvocations.Add(1, new("framework.command", path), new("framework.command.exit_code", exitCode));
        }

        return exitCode;
    }
}
