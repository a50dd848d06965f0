using Framework.Abstractions.Commands;

namespace Framework.Host.Cli;

/// <summary>
/// How a command handler's outcome becomes an exit code, for the host and Framework.Testing alike:
/// <see cref="CommandUsageException"/> is a usage error (2, with the host's usage line),
/// <see cref="CommandFailedException"/> a failure told in its own words (1), cancellation and any
/// other exception a failure (1, with a line naming the exception). Never a stack trace on the console. The exception is handed
/// back so that the host can log and trace it.
/// </summary>
/// <param name="ExitCode">The command's exit code.</param>
/// <param name="Failure">The exception that failed it, for logs and traces; null on success and usage errors.</param>
/// <remarks>A class, not a value tuple: a task of a tuple is generic code that ReadyToRun cannot
/// precompile, compiled at run time by every command.</remarks>
internal sealed record CommandOutcome(int ExitCode, Exception? Failure)
{
    public static async Task<CommandOutcome> RunAsync(string path, Func<CancellationToken, Task<int>> handler, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return new(await handler(cancellationToken), null);
        }
        catch (CommandUsageException e)
        {
            await error.WriteLineAsync(UsageMessage.Format(path, e.Message));
            return new(ExitCodes.Usage, null);
        }
        catch (CommandFailedException e)
        {
            await error.WriteLineAsync(UsageMessage.Format(path, e.Message));
            return new(ExitCodes.Failure, e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"framework {path}: cancelled.");
            return new(ExitCodes.Failure, null);
        }
#pragma warning disable CA1031 // Any failure of a command is its exit code 1, never a crash of the host.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await error.WriteLineAsync($"framework {path}: {e.GetType().Name}: {e.Message}");
            return new(ExitCodes.Failure, e);
        }
    }
}
