namespace Framework.Testing;

/// <summary>One measurement recorded on the plugin's Meter.</summary>
/// <param name="Instrument">The instrument's name.</param>
/// <param name="Value">The value, as a double.</param>
/// <param name="Tags">The measurement's tags.</param>
public sealed record CapturedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
