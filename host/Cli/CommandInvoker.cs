using System.Diagnostics;
using Framework.Abstractions.Commands;
using Framework.Host.Lifecycle;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Cli;

/// <summary>Runs a command handler, host or plugin, in a span, and turns its outcome into an exit
/// code: <see cref="CommandUsageException"/> is a usage error (2), any other exception a failure (1).</summary>
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

        int exitCode;
        try
        {
            exitCode = await handler(cancellationToken);
        }
        catch (CommandUsageException e)
        {
            await console.Error.WriteLineAsync(UsageMessage.Format(path, e.Message));
            exitCode = ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync($"framework {path}: cancelled.");
            exitCode = ExitCodes.Failure;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Command {Command} failed.", path);
            await console.Error.WriteLineAsync($"framework {path}: {e.GetType().Name}: {e.Message}");
            activity?.AddException(e);
            exitCode = ExitCodes.Failure;
        }

        activity?.SetTag("framework.command.exit_code", exitCode);
        if (exitCode != ExitCodes.Success)
        {
            activity?.SetStatus(ActivityStatusCode.Error, $"exit code {exitCode}");
        }

        telemetry.CommandInvocations.Add(1, new("framework.command", path), new("framework.command.exit_code", exitCode));
        return exitCode;
    }
}
