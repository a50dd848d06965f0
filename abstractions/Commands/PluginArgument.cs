namespace Framework.Abstractions.Commands;

/// <summary>A positional argument of a <see cref="PluginCommand"/>; its value reaches the handler
/// as a string.</summary>
/// <param name="Name">The name shown in help and used with <see cref="CommandContext.GetArgument"/>.</param>
/// <param name="Description">One line for help.</param>
/// <param name="Required">Whether the argument must be given.</param>
/// <param name="Many">Whether the argument takes all remaining values (use <see cref="CommandContext.GetArguments"/>).</param>
public sealed record PluginArgument(string Name, string Description, bool Required = true, bool Many = false);
