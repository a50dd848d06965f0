namespace Framework.Abstractions.Commands;

/// <summary>A named option of a <see cref="PluginCommand"/>, such as <c>--repeat 10</c> or the flag
/// <c>--elf</c>; its value reaches the handler as a string.</summary>
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
    params string[] Aliases);
