namespace Framework.Abstractions.Commands;

/// <summary>A named option of a <see cref="PluginCommand"/>, such as <c>--repeat 10</c> or the flag
/// <c>--elf</c>; its value reaches the handler as a string. Set <see cref="Many"/> for an option that
/// may be given several times (<c>--map a --map b</c>; read with <see cref="CommandContext.GetArguments"/>).</summary>
/// <param name="Name">The long name including dashes, for example <c>--repeat</c>.</param>
/// <param name="Description">One line for help.</param>
/// <param name="IsFlag">True for an option that takes no value.</param>
/// <param name="Required">Whether the option must be given.</param>
/// <param name="DefaultValue">The value when the option is not given, or null.</param>
/// <param name="Aliases">Short names such as <c>-o</c>.</param>
public sealed record PluginOption(
    string Name,
    string Description,
    bool IsFlag = false,
    bool Required = false,
    string? DefaultValue = null,
    params string[] Aliases)
{
    /// <summary>Whether the option may be given more than once; every value is kept, in order.</summary>
    public bool Many { get; init; }
}
