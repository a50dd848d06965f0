using System.Globalization;
using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Payload;

/// <summary>One decoded field: a signed or unsigned integer, text, or bytes.</summary>
/// <param name="Field">The field's definition.</param>
/// <param name="Value">A <see cref="long"/>, <see cref="ulong"/>, <see cref="string"/> or byte array.</param>
public sealed record UserEventFieldValue(UserEventField Field, object Value)
{
    /// <summary>The field's name.</summary>
    public string Name => Field.Name;

    /// <summary>The value as perf and the CLI print it: numbers in decimal, text as is, bytes in hex.</summary>
    public string Text => Value switch
    {
        byte[] bytes => Convert.ToHexStringLower(bytes),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Name}={Text}";
}
