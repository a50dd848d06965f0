namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>A decoded Resource: its attributes (last one wins on a duplicate key).</summary>
public sealed record OtlpResource(IReadOnlyDictionary<string, object?> Attributes)
{
    public static OtlpResource Empty { get; } = new(new Dictionary<string, object?>());

    /// <summary>A string attribute, or null.</summary>
    public string? this[string key] => Attributes.TryGetValue(key, out var value) ? value as string : null;
}
