namespace Framework.Plugins.VectorTransports.Options;

/// <summary>One validated option of a <see cref="VectorSpec"/>.</summary>
/// <param name="Key">The canonical key (aliases resolved).</param>
/// <param name="Text">The value as written (surrounding double quotes removed).</param>
/// <param name="Offset">Where the key starts in the option string.</param>
/// <param name="Number">The value for numbers and flags; 0 otherwise.</param>
public sealed record VectorOptionValue(string Key, string Text, int Offset, ulong Number);
