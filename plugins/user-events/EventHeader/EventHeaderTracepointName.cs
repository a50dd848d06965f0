using System.Globalization;

namespace Framework.Plugins.UserEvents.EventHeader;

/// <summary>
/// The EventHeader tracepoint naming scheme, <c>Provider_L{level:x}K{keyword:x}{Options}</c>: one
/// tracepoint per provider, level and keyword, and its registration command with the fixed header fields.
/// </summary>
/// <param name="Provider">The provider's name (no ' ' or ':').</param>
/// <param name="Level">1 critical .. 5 verbose.</param>
/// <param name="Keyword">The category bits.</param>
/// <param name="Options">Optional attributes, each an upper-case letter and lower-case letters or digits (e.g. <c>Gmygroup</c>).</param>
public sealed record EventHeaderTracepointName(string Provider, byte Level, ulong Keyword, string Options = "")
{
    /// <summary>EVENTHEADER_NAME_MAX, including the NUL.</summary>
    public const int NameMax = 256;

    /// <summary>EVENTHEADER_COMMAND_TYPES: the header as user_events fields.</summary>
    public const string CommandTypes = "u8 eventheader_flags;u8 version;u16 id;u16 tag;u8 opcode;u8 level";

    /// <summary>The tracepoint name.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Provider}_L{Level:x}K{Keyword:x}{Options}");

    /// <summary>The DIAG_IOCSREG command: the name and <see cref="CommandTypes"/>.</summary>
    public string Command => $"{this} {CommandTypes}";

    /// <summary>Checks the provider name and the length limit.</summary>
    public bool IsValid(out string? error)
    {
        error = Provider.Length == 0 || Provider.AsSpan().IndexOfAny(' ', ':') >= 0
            ? $"provider '{Provider}' is empty or has ' ' or ':'"
            : Level == 0
                ? "level 0 is invalid"
                : ToString().Length + 1 > NameMax
                    ? $"tracepoint name '{this}' is over EVENTHEADER_NAME_MAX ({NameMax})"
                    : null;
        return error is null;
    }

    /// <summary>Parses a tracepoint name of the scheme.</summary>
    public static bool TryParse(string tracepoint, out EventHeaderTracepointName? name)
    {
        name = null;
        ArgumentNullException.ThrowIfNull(tracepoint);
        for (var at = tracepoint.LastIndexOf("_L", StringComparison.Ordinal); at > 0; at = tracepoint.LastIndexOf("_L", at - 1, StringComparison.Ordinal))
        {
            var rest = tracepoint.AsSpan(at + 2);
            var k = rest.IndexOf('K');
            if (k <= 0 || !byte.TryParse(rest[..k], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var level) || level == 0)
            {
                continue;
            }

            var keywordText = rest[(k + 1)..];
            var end = 0;
            while (end < keywordText.Length && char.IsAsciiHexDigitLower(keywordText[end]) || end < keywordText.Length && char.IsAsciiDigit(keywordText[end]))
            {
                end++;
            }

            if (end == 0 || !ulong.TryParse(keywordText[..end], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyword))
            {
                continue;
            }

            var options = keywordText[end..].ToString();
            if (options.Length > 0 && !char.IsAsciiLetterUpper(options[0]))
            {
                continue;
            }

            name = new EventHeaderTracepointName(tracepoint[..at], level, keyword, options);
            return true;
        }

        return false;
    }
}
