namespace Framework.Host.Isolation.Parent;

/// <summary>How a plugin-host child ended, in words an operator can act on.</summary>
internal static class ChildExit
{
    private static readonly string[] SignalNames =
    [
        "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
    ];

    /// <summary>Describes an exit code as .NET reports it on Linux (128 + n for a child killed by
    /// signal n). An unhandled .NET exception and Environment.FailFast both end in SIGABRT.</summary>
    public static string Describe(int exitCode) => exitCode switch
    {
        > 128 and < 128 + 65 => $"killed by signal {exitCode - 128} ({(exitCode - 128 < SignalNames.Length ? SignalNames[exitCode - 128] : "SIGRTMIN+" + (exitCode - 128 - 34))})",
        _ => $"exited with code {exitCode}",
    };
}
