using System.Globalization;
using System.Text;

namespace Framework.Host.Cli;

/// <summary>
/// Makes text safe to print on a terminal: text from input files (dump comments and tags, section
/// names, option strings, manifest fields, event payload strings) must not move the cursor, change
/// the title, set colours or reorder what the reader sees. C0 controls other than tab and line feed,
/// DEL, C1 controls and the Unicode bidirectional overrides and isolates are written as escapes
/// (<c>\x1b</c>, <c>\x9b</c>, <c>\u202e</c>); everything else passes unchanged. The one rule for
/// every path to the console: <see cref="SpectreCommandConsole"/> applies it to what commands print.
/// </summary>
public static class TerminalText
{
    /// <summary>Whether <paramref name="c"/> is printed as an escape.</summary>
    public static bool IsUnsafe(char c) =>
        (c < 0x20 && c is not ('\t' or '\n'))
        || c is >= '\u007f' and <= '\u009f'
        || c is >= '\u202a' and <= '\u202e'
        || c is >= '\u2066' and <= '\u2069';

    /// <summary>The text with every unsafe character escaped; the same string when none is.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        if (!HasUnsafe(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        Append(builder, text);
        return builder.ToString();
    }

    /// <summary>Appends <paramref name="text"/> to <paramref name="builder"/>, escaped.</summary>
    public static void Append(StringBuilder builder, ReadOnlySpan<char> text)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                AppendEscape(builder, c);
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    private static bool HasUnsafe(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    private static void AppendEscape(StringBuilder builder, char c)
    {
        if (c <= '\u00ff')
        {
            builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
        }
        else
        {
            builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        }
    }
}
