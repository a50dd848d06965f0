namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>A decoded InstrumentationScope.</summary>
public sealed record OtlpScope(string Name, string Version, IReadOnlyDictionary<string, object?> Attributes)
{
    public static OtlpScope Empty { get; } = new(string.Empty, string.Empty, new Dictionary<string, object?>());
}
