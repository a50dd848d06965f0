namespace Framework.Host.Cli;

/// <summary>
/// The line printed for a <see cref="Framework.Abstractions.Commands.CommandUsageException"/>:
/// "framework &lt;command path&gt;: &lt;what was wrong&gt;". The contract's own CommandContext, and
/// plugins following it, already start their messages with the command path; that prefix is not
/// repeated. Framework.Testing prints the same line, so that tests see the host's exact words.
/// </summary>
internal static class UsageMessage
{
    public static string Format(string commandPath, string message) =>
        commandPath.Length > 0 && message.StartsWith(commandPath + ":", StringComparison.Ordinal)
            ? $"framework {message}"
            : $"framework {commandPath}: {message}";
}
