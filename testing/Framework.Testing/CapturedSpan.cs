using System.Diagnostics;

namespace Framework.Testing;

/// <summary>A finished span from the plugin's ActivitySource.</summary>
/// <param name="Name">The span's (display) name.</param>
/// <param name="Kind">The span's kind.</param>
/// <param name="Status">The span's status.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Tags">The span's own tags, then the source's (framework.plugin.id, framework.plugin.version).</param>
public sealed record CapturedSpan(string Name, ActivityKind Kind, ActivityStatusCode Status, TimeSpan Duration, IReadOnlyDictionary<string, object?> Tags);
