using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Configuration;

/// <summary>
/// Checks the <c>Logging</c> section's levels before any logger is built. Microsoft.Extensions.Logging
/// reads them when its factory is created and throws from deep inside it, which would end the process
/// with a stack trace instead of a message that names the setting.
/// </summary>
internal static class LoggingLevels
{
    private const string Section = "Logging";

    /// <summary>The names of <see cref="LogLevel"/>'s values, in order (a test checks them against the enum).</summary>
    internal static readonly string[] LevelNames = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"];

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first key whose value is not a log level.</summary>
    public static void Validate(IConfiguration configuration)
    {
        // Levels live in Logging:LogLevel:<category> and Logging:<provider>:LogLevel:<category>.
        var logging = configuration.GetSection(Section);
        foreach (var levels in logging.GetChildren().SelectMany(c => c.Key.Equals("LogLevel", StringComparison.OrdinalIgnoreCase) ? [c] : c.GetChildren().Where(g => g.Key.Equals("LogLevel", StringComparison.OrdinalIgnoreCase))))
        {
            foreach (var entry in levels.GetChildren())
            {
                if (entry.Value is { Length: > 0 } value && !IsLevel(value))
                {
                    throw new InvalidDataException(
                        $"configuration: {entry.Path} is '{value}', which is not a log level ({string.Join(", ", LevelNames)}).");
                }
            }
        }
    }

    // As the library reads them: a level's name in any case, or its number (an empty value is
    // ignored there, and here); numbers outside the enum are refused, the library would take them.
    // A level's plain name is recognised without Enum.TryParse, whose first use in a process reflects
    // over the enum (milliseconds on every command's start); anything else goes to the same parse.
    private static bool IsLevel(string value) =>
        Array.Exists(LevelNames, name => name.Equals(value, StringComparison.OrdinalIgnoreCase)) ||
        (Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) && Enum.IsDefined(level));
}
