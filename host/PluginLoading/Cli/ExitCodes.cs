namespace Framework.Host.Cli;

/// <summary>The exit codes of every <c>framework</c> command.</summary>
public static class ExitCodes
{
    /// <summary>It worked.</summary>
    public const int Success = 0;

    /// <summary>It failed (a plugin or job failed, a file could not be written, an error at run time).</summary>
    public const int Failure = 1;

    /// <summary>The command line or the input was wrong: unknown command or option, bad value, missing file.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by SIGINT (Ctrl+C) before it finished: 128 + 2, as a shell reports it.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM before it finished: 128 + 15.</summary>
    public const int Terminated = 143;
}
