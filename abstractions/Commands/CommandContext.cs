using System.Globalization;

namespace Framework.Abstractions.Commands;

/// <summary>
/// What a command handler receives: the parsed values as strings, the plugin's service provider
/// and the console. Values are looked up by the argument's name or the option's long name.
/// </summary>
public sealed class CommandContext
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _values;

    /// <summary>Creates a context; the host does this.</summary>
    /// <param name="services">The plugin's service provider.</param>
    /// <param name="console">Where output goes.</param>
    /// <param name="values">Given values by argument name or option name (with dashes). A flag that
    /// was given maps to a list with the single value "true".</param>
    /// <param name="commandPath">The words that selected the command, for messages.</param>
    public CommandContext(
        IServiceProvider services,
        ICommandConsole console,
        IReadOnlyDictionary<string, IReadOnlyList<string>> values,
        string commandPath)
    {
        Services = services;
        Console = console;
        _values = values;
        CommandPath = commandPath;
    }

    /// <summary>The plugin's service provider.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Where output goes.</summary>
    public ICommandConsole Console { get; }

    /// <summary>The words that selected the command, such as <c>bpf run</c>.</summary>
    public string CommandPath { get; }

    /// <summary>The value of an argument or option, or null when it was not given and has no default.</summary>
    public string? GetArgument(string name) =>
        _values.TryGetValue(name, out var list) && list.Count > 0 ? list[0] : null;

    /// <summary>All values of an argument or option that takes many.</summary>
    public IReadOnlyList<string> GetArguments(string name) =>
        _values.TryGetValue(name, out var list) ? list : Array.Empty<string>();

    /// <summary>The value of an option, or null; same as <see cref="GetArgument"/>.</summary>
    public string? GetOption(string name) => GetArgument(name);

    /// <summary>Whether a flag option was given.</summary>
    public bool HasFlag(string name) =>
        string.Equals(GetArgument(name), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value as a whole number.</summary>
    /// <exception cref="CommandUsageException">The value is missing and no default was given, or is not a number.</exception>
    public long GetInt64(string name, long? defaultValue = null)
    {
        var text = GetArgument(name);
        if (text is null)
        {
            return defaultValue ?? throw new CommandUsageException($"{CommandPath}: {name} is required.");
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value))
        {
            return value;
        }

        throw new CommandUsageException($"{CommandPath}: {name} expects a whole number, got '{text}'.");
    }

    /// <summary>The value as a whole number within a range: the one validator for counts, durations,
    /// repeats, sizes and depths, so that a negative, zero, huge or non-numeric value is a usage error
    /// (exit 2) that names the option, the range and what was given.</summary>
    /// <param name="name">The argument or option name.</param>
    /// <param name="defaultValue">The value when it was not given (not checked against the range).</param>
    /// <param name="minimum">The smallest value accepted.</param>
    /// <param name="maximum">The largest value accepted.</param>
    /// <exception cref="CommandUsageException">The value is not a number or lies outside the range.</exception>
    public long GetInt64(string name, long defaultValue, long minimum, long maximum)
    {
        if (GetArgument(name) is null)
        {
            return defaultValue;
        }

        var text = GetArgument(name)!;
        // All digits but too long for a number: outside the range whichever way it points.
        var overflow = text.Length > 1 && text.TrimStart('-', '+').Length > 0 && text.TrimStart('-', '+').All(char.IsAsciiDigit)
            && !long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        var value = overflow ? 0 : GetInt64(name);
        if (overflow || value < minimum || value > maximum)
        {
            throw new CommandUsageException(string.Create(CultureInfo.InvariantCulture, $"{CommandPath}: {name} must be from {minimum} to {maximum}, got '{text}'."));
        }

        return value;
    }

    /// <summary>The longest duration in seconds <see cref="GetDuration"/> accepts: about 46 days, what
    /// a cancellation timer can hold.</summary>
    public const long MaximumDurationSeconds = 4_000_000;

    /// <summary>The value as a duration in whole seconds for options such as <c>--duration</c>:
    /// null when not given or 0 (run until stopped, as every such option documents), else 1 to
    /// <see cref="MaximumDurationSeconds"/> seconds.</summary>
    /// <param name="name">The option name.</param>
    /// <exception cref="CommandUsageException">The value is not a number, negative or too large.</exception>
    public TimeSpan? GetDuration(string name)
    {
        var seconds = GetInt64(name, 0, 0, MaximumDurationSeconds);
        return seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The value as a path to an existing file, made absolute.</summary>
    /// <exception cref="CommandUsageException">The value is missing or names no file.</exception>
    public string GetExistingFile(string name)
    {
        var text = GetArgument(name) ?? throw new CommandUsageException($"{CommandPath}: {name} is required.");
        var full = Path.GetFullPath(text);
        if (!File.Exists(full))
        {
            throw new CommandUsageException($"{CommandPath}: {name}: no such file '{text}'.");
        }

        return full;
    }
}
