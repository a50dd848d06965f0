namespace Framework.Host.Discovery;

/// <summary>What the host decided about one discovered plugin folder.</summary>
/// <param name="Candidate">The folder and its manifest.</param>
/// <param name="Outcome">Whether it loads, is refused, or is skipped.</param>
/// <param name="Reason">Why it is refused or skipped; null when selected.</param>
public sealed record PluginVerdict(PluginCandidate Candidate, PluginVerdictOutcome Outcome, string? Reason);

/// <summary>The outcome of selection.</summary>
public enum PluginVerdictOutcome
{
    /// <summary>The plugin will be loaded.</summary>
    Selected,

    /// <summary>The plugin cannot be loaded (bad manifest, incompatible contract, trust, missing files).</summary>
    Refused,

    /// <summary>The plugin is fine but not loaded (disabled, another version chosen).</summary>
    Skipped,
}
