using System.Globalization;
using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Payload;

/// <summary>
/// Turns values given as text (the CLI's <c>emit name v1 v2 ...</c>) into a write: integers in
/// decimal or 0x hex, range-checked for the field; strings for char arrays and dynamic strings;
/// hex bytes (<c>0x0a0b</c>) for structs and other dynamic arrays. Errors name the field.
/// </summary>
public static class UserEventTextEncoder
{
    /// <summary>Encodes one value per field into a new buffer that starts with the write index.</summary>
    public static bool TryEncode(UserEventDefinition definition, IReadOnlyList<string> values, int writeIndex, out byte[] write, out UserEventError error)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(values);
        write = [];
        if (values.Count != definition.Fields.Count)
        {
            error = new UserEventError(UserEventsErrno.EINVAL, $"event '{definition.Name}' has {definition.Fields.Count} fields ({string.Join(", ", definition.Fields.Select(f => f.Describe()))}); {values.Count} values were given");
            return false;
        }

        var capacity = UserEventLimits.WriteIndexSize + definition.PayloadSize + values.Sum(v => (v.Length * 3) + 1);
        var buffer = new byte[capacity];
        try
        {
            var writer = new UserEventPayloadWriter(buffer, definition, writeIndex);
            for (var i = 0; i < values.Count; i++)
            {
                var field = definition.Fields[i];
                var text = values[i];
                switch (field.Kind)
                {
                    case UserEventFieldKind.Scalar:
                        if (!TryParseInteger(text, out var signed, out var unsigned, out var isNegative))
                        {
                            error = new UserEventError(UserEventsErrno.EINVAL, $"event '{definition.Name}': field '{field.Name}' ({field.Type}): '{text}' is not a number");
                            return false;
                        }

                        if (isNegative)
                        {
                            writer.WriteSigned(signed);
                        }
                        else
                        {
                            writer.WriteUnsigned(unsigned);
                        }

                        break;
                    case UserEventFieldKind.Struct:
                    case UserEventFieldKind.DataLoc or UserEventFieldKind.RelLoc when !field.IsDynamicString:
                        if (!TryParseHex(text, out var bytes))
                        {
                            error = new UserEventError(UserEventsErrno.EINVAL, $"event '{definition.Name}': field '{field.Name}' ({field.Type}): '{text}' is not hex bytes (e.g. 0x0102ff)");
                            return false;
                        }

                        writer.WriteBytes(bytes);
                        break;
                    default:
                        writer.WriteString(text);
                        break;
                }
            }

            write = writer.Complete().ToArray();
            error = default;
            return true;
        }
        catch (UserEventsException e)
        {
            error = new UserEventError(e.Errno, e.Message);
            return false;
        }
    }

    private static bool TryParseInteger(string text, out long signed, out ulong unsigned, out bool isNegative)
    {
        signed = 0;
        unsigned = 0;
        isNegative = text.StartsWith('-');
        if (isNegative)
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out signed);
        }

        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out unsigned)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out unsigned);
    }

    private static bool TryParseHex(string text, out byte[] bytes)
    {
        bytes = [];
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (hex.Length % 2 != 0)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
