namespace Framework.Plugins.UserEvents.EventHeader;

/// <summary>One decoded field of an EventHeader event.</summary>
/// <param name="Name">The field's name (attributes after ';' removed).</param>
/// <param name="Encoding">Its encoding.</param>
/// <param name="Format">Its format.</param>
/// <param name="Tag">Its provider-defined tag.</param>
/// <param name="Value">The value as text (arrays as [a,b], structs as {name=value ...}).</param>
public sealed record EventHeaderField(string Name, EventFieldEncoding Encoding, EventFieldFormat Format, ushort Tag, string Value)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}={Value}";
}
