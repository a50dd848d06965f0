namespace Framework.Abstractions.Commands;

/// <summary>
/// A CLI command declared by a plugin in plain data: name, description, arguments, options,
/// sub-commands and an asynchronous handler. The host maps it onto its command-line parser, so
/// plugins do not depend on one. Arguments and results are plain data (strings, numbers, files,
/// streams) so that a command can later run in another process.
/// </summary>
public sealed class PluginCommand
{
    /// <summary>Creates a command.</summary>
    /// <param name="name">The verb, lower-case (for example <c>bpf</c> or <c>asm</c>).</param>
    /// <param name="description">One line shown in <c>--help</c>.</param>
    public PluginCommand(string name, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Description = description ?? string.Empty;
    }

    /// <summary>The verb.</summary>
    public string Name { get; }

    /// <summary>One line for <c>--help</c>.</summary>
    public string Description { get; }

    /// <summary>Other names for the verb.</summary>
    public IList<string> Aliases { get; } = new List<string>();

    /// <summary>Positional arguments, in order.</summary>
    public IList<PluginArgument> Arguments { get; } = new List<PluginArgument>();

    /// <summary>Named options.</summary>
    public IList<PluginOption> Options { get; } = new List<PluginOption>();

    /// <summary>Sub-commands.</summary>
    public IList<PluginCommand> Subcommands { get; } = new List<PluginCommand>();

    /// <summary>The handler; null for a command that only groups sub-commands. It returns the exit
    /// code (0 success, 1 failure). Throwing <see cref="CommandUsageException"/> exits with 2 and
    /// the message; any other exception exits with 1 and is logged.</summary>
    public Func<CommandContext, CancellationToken, Task<int>>? Handler { get; set; }
}
