using System.Globalization;
using System.Text;

namespace Framework.Plugins.UserEvents.Definitions;

/// <summary>
/// Parses the user_events command grammar, <c>name[:FLAG1[,FLAG2...]] [type name[;type name...]]</c>,
/// by the rules of kernel/trace/trace_events_user.c (6.4 and later): the kernel's field types and
/// sizes, MAX_EVENT_DESC, MAX_FIELD_ARRAY_SIZE, struct sizes, and the way a name registered again is
/// compared with the fields it already has. Never throws for bad input: errors come back typed.
/// </summary>
public static class UserEventCommandParser
{
    private static readonly string[] SpacedPrefixes =
        ["unsigned ", "struct ", "__data_loc unsigned ", "__data_loc ", "__rel_loc unsigned ", "__rel_loc "];

    /// <summary>Parses a command into a definition.</summary>
    /// <param name="command">The command, e.g. <c>request u32 id;__rel_loc char[] path</c>.</param>
    /// <param name="definition">The definition, when the command is valid.</param>
    /// <param name="error">Why it is not, naming the field and the rule.</param>
    public static bool TryParse(string? command, out UserEventDefinition? definition, out UserEventError error)
    {
        definition = null;
        if (!TrySplit(command, out var name, out var arguments, out error))
        {
            return false;
        }

        var fields = new List<UserEventField>();
        if (arguments is not null)
        {
            var offset = 0;
            var number = 0;
            foreach (var raw in arguments.Split(';'))
            {
                number++;
                var text = raw.TrimStart(KernelSpaces);
                if (text.Length == 0)
                {
                    // The kernel skips an empty field ("a;;b" and a trailing ';').
                    continue;
                }

                if (!TryParseField(text, offset, out var field, out var reason))
                {
                    error = new UserEventError(UserEventsErrno.EINVAL, $"event '{name}': field {number} '{text}': {reason}");
                    return false;
                }

                if ((long)offset + field!.Size > int.MaxValue - UserEventLimits.CommonHeaderSize)
                {
                    error = new UserEventError(UserEventsErrno.EINVAL, $"event '{name}': field {number} '{text}': the fields add up to more than a record can hold");
                    return false;
                }

                fields.Add(field);
                offset += field.Size;
            }
        }

        definition = new UserEventDefinition(name, fields, arguments);
        error = default;
        return true;
    }

    /// <summary>Parses a command, throwing <see cref="UserEventsException"/> when it is invalid.</summary>
    public static UserEventDefinition Parse(string command) =>
        TryParse(command, out var definition, out var error) ? definition! : throw error.ToException();

    /// <summary>Splits a command into its name and field text and checks the parts the kernel checks
    /// before it looks the name up: the length limit, that no text flags are given, and the name.</summary>
    public static bool TrySplit(string? command, out string name, out string? arguments, out UserEventError error)
    {
        name = string.Empty;
        arguments = null;
        if (string.IsNullOrEmpty(command))
        {
            error = new UserEventError(UserEventsErrno.EINVAL, "the command is empty; expected 'name[:flags] [type field[;type field...]]'");
            return false;
        }

        var nul = command.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            error = new UserEventError(UserEventsErrno.EINVAL, $"the command has a NUL at offset {nul}; it is a C string");
            return false;
        }

        var bytes = Encoding.UTF8.GetByteCount(command);
        if (bytes + 1 > UserEventLimits.MaxCommandBytes)
        {
            error = new UserEventError(UserEventsErrno.EINVAL, $"the command is {bytes} bytes; user_events takes at most {UserEventLimits.MaxCommandBytes - 1} (MAX_EVENT_DESC {UserEventLimits.MaxCommandBytes} with the NUL)");
            return false;
        }

        var space = command.IndexOf(' ', StringComparison.Ordinal);
        var head = space < 0 ? command : command[..space];
        arguments = space < 0 ? null : command[(space + 1)..];
        var colon = head.IndexOf(':', StringComparison.Ordinal);
        name = colon < 0 ? head : head[..colon];
        if (colon >= 0)
        {
            error = new UserEventError(UserEventsErrno.EINVAL, $"event '{name}': flags '{head[(colon + 1)..]}': user_events defines no text flags (persist and multi-format are registration flags)");
            return false;
        }

        if (name.Length == 0)
        {
            error = new UserEventError(UserEventsErrno.EINVAL, "the event name is empty");
            return false;
        }

        var bad = name.IndexOfAny(['/', '\t', '\n', '\r', '\v', '\f']);
        if (bad >= 0)
        {
            error = new UserEventError(UserEventsErrno.EINVAL, $"event '{name}': character {bad} of the name ('{EscapeChar(name[bad])}') cannot be in a tracefs event name");
            return false;
        }

        error = default;
        return true;
    }

    /// <summary>
    /// The kernel's rule for registering a name again: the field text given now, split into words the
    /// way argv_split does after a space is put behind every ';', must spell the existing fields one by
    /// one (<c>type name</c>, plus the size of a struct, a ';' ending each but possibly the last).
    /// </summary>
    public static bool FieldsMatch(UserEventDefinition existing, string? arguments)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var words = arguments is null ? [] : SplitWords(arguments);
        if (words.Count == 0)
        {
            return existing.Fields.Count == 0;
        }

        var i = 0;
        foreach (var field in existing.Fields)
        {
            if (i >= words.Count)
            {
                return false;
            }

            var given = new StringBuilder();
            var colon = false;
            for (; i < words.Count; i++)
            {
                if (given.Length > 0)
                {
                    given.Append(' ');
                }

                given.Append(words[i]);
                if (words[i].Contains(';', StringComparison.Ordinal))
                {
                    i++;
                    colon = true;
                    break;
                }
            }

            var expected = field.Describe() + (colon ? ";" : string.Empty);
            if (!string.Equals(given.ToString(), expected, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return i == words.Count;
    }

    private static readonly char[] KernelSpaces = [' ', '\t', '\n', '\v', '\f', '\r'];

    private static List<string> SplitWords(string arguments)
    {
        var fixedText = new StringBuilder(arguments.Length + 8);
        for (var i = 0; i < arguments.Length; i++)
        {
            fixedText.Append(arguments[i]);
            if (arguments[i] == ';' && (i + 1 >= arguments.Length || Array.IndexOf(KernelSpaces, arguments[i + 1]) < 0))
            {
                fixedText.Append(' ');
            }
        }

        return [.. fixedText.ToString().Split(KernelSpaces, StringSplitOptions.RemoveEmptyEntries)];
    }

    private static bool TryParseField(string text, int offset, out UserEventField? field, out string reason)
    {
        field = null;
        string? type = null;
        string? name = null;
        var rest = text;
        var depth = 0;
        var isStruct = false;
        var size = -1;
        foreach (var prefix in SpacedPrefixes)
        {
            if (!text.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            isStruct = prefix == "struct ";
            var space = text.IndexOf(' ', prefix.Length);
            if (space < 0)
            {
                reason = $"'{text}' has a type but no field name";
                return false;
            }

            if (space == prefix.Length)
            {
                // "__rel_loc  path": the kernel takes "__rel_loc " as the type, and its own matcher
                // (words split on spaces) then never matches the event again; the format it shows
                // is no type a trace consumer reads. Refused, as an empty field name is.
                reason = $"the type after '{prefix.TrimEnd()}' is empty (a doubled space?) in '{text}'";
                return false;
            }

            type = text[..space];
            rest = text[(space + 1)..];
            depth = 1;
            break;
        }

        // The kernel splits on single spaces (strsep), so a doubled or trailing space is an extra, empty word.
        foreach (var part in rest.Split(' '))
        {
            switch (depth++)
            {
                case 0:
                    type = part;
                    break;
                case 1:
                    name = part;
                    break;
                case 2:
                    if (!isStruct)
                    {
                        reason = $"a third word ('{part}') is allowed only after a struct type, as its size (a doubled or trailing space counts as a word)";
                        return false;
                    }

                    if (!TryParseKernelUInt(part, 10, out var structSize))
                    {
                        reason = $"struct size '{part}' is not a decimal number of bytes";
                        return false;
                    }

                    size = (int)Math.Min(structSize, int.MaxValue);
                    break;
                default:
                    reason = $"too many words: a field is 'type name', or 'struct type name size'";
                    return false;
            }
        }

        if (depth < 2 || name is null)
        {
            reason = "a field needs a type and a name";
            return false;
        }

        if (name.Length == 0)
        {
            // strsep gives an empty word after a doubled or trailing space: a field named "" would
            // make a format (and a print fmt) that no trace consumer can read back.
            reason = $"the field name is empty (a doubled or trailing space after type '{type}'?)";
            return false;
        }

        UserEventFieldKind kind;
        if (depth == 2)
        {
            if (!TryFieldSize(type!, out kind, out size, out reason))
            {
                return false;
            }
        }
        else
        {
            kind = UserEventFieldKind.Struct;
        }

        if (size == 0)
        {
            reason = $"type '{type}' has size 0";
            return false;
        }

        field = new UserEventField(type!, name, kind, offset, size, type![0] != 'u');
        reason = string.Empty;
        return true;
    }

    private static bool TryFieldSize(string type, out UserEventFieldKind kind, out int size, out string reason)
    {
        kind = UserEventFieldKind.Scalar;
        reason = string.Empty;
        size = type switch
        {
            "s64" or "u64" => 8,
            "s32" or "u32" or "int" or "unsigned int" => 4,
            "s16" or "u16" or "short" or "unsigned short" => 2,
            "s8" or "u8" or "char" or "unsigned char" => 1,
            _ => -1,
        };
        if (size > 0)
        {
            return true;
        }

        if (type.StartsWith("char[", StringComparison.Ordinal) || type.StartsWith("unsigned char[", StringComparison.Ordinal))
        {
            kind = UserEventFieldKind.CharArray;
            return TryArraySize(type, out size, out reason);
        }

        if (type.StartsWith("__data_loc ", StringComparison.Ordinal))
        {
            kind = UserEventFieldKind.DataLoc;
            size = 4;
            return true;
        }

        if (type.StartsWith("__rel_loc ", StringComparison.Ordinal))
        {
            kind = UserEventFieldKind.RelLoc;
            size = 4;
            return true;
        }

        reason = type.StartsWith("struct ", StringComparison.Ordinal)
            ? $"struct type '{type}' needs its size as a third word, e.g. '{type} name 16'"
            : $"unknown type '{type}': user_events takes u8..u64, s8..s64, char, short, int (and unsigned forms), char[N], __data_loc and __rel_loc types, and 'struct T name size' (long is refused: its size differs between user and kernel)";
        return false;
    }

    private static bool TryArraySize(string type, out int size, out string reason)
    {
        size = 0;
        var open = type.IndexOf('[', StringComparison.Ordinal);

        // The kernel copies at most 7 characters after '[' (a char[8] buffer) and needs the ']' in them.
        var tail = type[(open + 1)..];
        if (tail.Length == 0 || tail.Length > 7)
        {
            reason = $"the text after '[' in '{type}' is empty or longer than 7 characters";
            return false;
        }

        var close = tail.IndexOf(']', StringComparison.Ordinal);
        if (close < 0)
        {
            reason = $"array size in '{type}' has no closing ']'";
            return false;
        }

        if (!TryParseKernelUInt(tail[..close], 0, out var value))
        {
            reason = $"array size '{tail[..close]}' in '{type}' is not a number (decimal, 0x hex or 0 octal)";
            return false;
        }

        if (value > UserEventLimits.MaxFieldArraySize)
        {
            reason = $"array size {value} in '{type}' is over MAX_FIELD_ARRAY_SIZE ({UserEventLimits.MaxFieldArraySize})";
            return false;
        }

        size = (int)value;
        reason = string.Empty;
        return true;
    }

    /// <summary>kstrtouint: an optional '+', digits in the base (0: 0x hex, leading 0 octal, else
    /// decimal), an optional trailing newline, and nothing else; no overflow past 32 bits.</summary>
    private static bool TryParseKernelUInt(string text, int radix, out uint value)
    {
        value = 0;
        var s = text.AsSpan();
        if (s.Length > 0 && s[0] == '+')
        {
            s = s[1..];
        }

        if (s.Length > 0 && s[^1] == '\n')
        {
            s = s[..^1];
        }

        if (radix == 0)
        {
            if (s.Length > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
            {
                radix = 16;
                s = s[2..];
            }
            else
            {
                radix = s.Length > 1 && s[0] == '0' ? 8 : 10;
            }
        }

        if (s.Length == 0)
        {
            return false;
        }

        ulong result = 0;
        foreach (var c in s)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return false;
            }

            result = (result * (ulong)radix) + (ulong)digit;
            if (result > uint.MaxValue)
            {
                return false;
            }
        }

        value = (uint)result;
        return true;
    }

    private static string EscapeChar(char c) => c switch
    {
        '\t' => "\\t",
        '\n' => "\\n",
        '\r' => "\\r",
        _ => ((int)c).ToString("x2", CultureInfo.InvariantCulture) is var hex && char.IsControl(c) ? $"\\x{hex}" : c.ToString(),
    };
}
