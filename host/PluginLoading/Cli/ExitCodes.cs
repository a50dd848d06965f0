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
}
