namespace Framework.Plugins.VectorTransports.Options;

/// <summary>One option that UML's vector driver (or this plugin, for <c>unix</c>) documents.</summary>
/// <param name="Key">The key as written in the option string.</param>
/// <param name="Kind">How its value is written.</param>
/// <param name="Minimum">Smallest accepted number (numbers only).</param>
/// <param name="Maximum">Largest accepted number (numbers only).</param>
/// <param name="Transports">The transports it applies to; empty for every transport.</param>
/// <param name="Description">What it does, for help and error messages.</param>
public sealed record VectorOptionDefinition(
    string Key,
    VectorOptionKind Kind,
    ulong Minimum,
    ulong Maximum,
    IReadOnlyList<string> Transports,
    string Description)
{
    /// <summary>Whether the option may be given for <paramref name="transport"/>.</summary>
    public bool AppliesTo(string transport) => Transports.Count == 0 || Transports.Contains(transport);
}
