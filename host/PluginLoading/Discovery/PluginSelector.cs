using NuGet.Versioning;

namespace Framework.Host.Discovery;

/// <summary>
/// Decides, for every discovered folder, whether it loads: refused folders say why; among several
/// admissible versions of one id, the highest wins unless <c>Host:Pins:&lt;id&gt;</c> names one.
/// </summary>
/// <param name="disabled">Plugin ids not to load (<c>Host:Disabled</c>).</param>
/// <param name="pins">Plugin id to the exact version to load (<c>Host:Pins</c>).</param>
/// <param name="admission">The checks a plugin must pass.</param>
public sealed class PluginSelector(IEnumerable<string> disabled, IDictionary<string, string> pins, PluginAdmission admission)
{
    /// <summary>One verdict per candidate, in discovery order.</summary>
    public IReadOnlyList<PluginVerdict> Select(IReadOnlyList<PluginCandidate> candidates)
    {
        var verdicts = new Dictionary<PluginCandidate, PluginVerdict>();
        var disabledIds = new HashSet<string>(disabled, StringComparer.OrdinalIgnoreCase);

        foreach (var group in candidates.Where(c => c.Manifest is null))
        {
            verdicts[group] = new PluginVerdict(group, PluginVerdictOutcome.Refused, group.ManifestError);
        }

        foreach (var group in candidates.Where(c => c.Manifest is not null).GroupBy(c => c.Manifest!.Id, StringComparer.Ordinal))
        {
            var id = group.Key;
            if (disabledIds.Contains(id))
            {
                foreach (var candidate in group)
                {
                    verdicts[candidate] = new PluginVerdict(candidate, PluginVerdictOutcome.Skipped, "disabled by Host:Disabled.");
                }

                continue;
            }

            var admissible = new List<PluginCandidate>();
            foreach (var candidate in group)
            {
                if (admission.Check(candidate.Manifest!) is { } refusal)
                {
                    verdicts[candidate] = new PluginVerdict(candidate, PluginVerdictOutcome.Refused, refusal);
                }
                else
                {
                    admissible.Add(candidate);
                }
            }

            var chosen = Choose(id, admissible, out var pinProblem);
            foreach (var candidate in admissible)
            {
                verdicts[candidate] = candidate == chosen
                    ? new PluginVerdict(candidate, PluginVerdictOutcome.Selected, null)
                    : new PluginVerdict(candidate, PluginVerdictOutcome.Skipped, pinProblem ?? (chosen is null
                        ? "no version selected."
                        : $"version {candidate.Manifest!.Version.ToNormalizedString()} not chosen: {(pins.ContainsKey(id) ? "pinned to" : "a higher compatible version is present,")} {chosen.Manifest!.Version.ToNormalizedString()}."));
            }
        }

        return candidates.Select(c => verdicts[c]).ToList();
    }

    private PluginCandidate? Choose(string id, List<PluginCandidate> admissible, out string? pinProblem)
    {
        pinProblem = null;
        if (admissible.Count == 0)
        {
            return null;
        }

        if (pins.TryGetValue(id, out var pinText))
        {
            if (!NuGetVersion.TryParse(pinText, out var pin))
            {
                pinProblem = $"Host:Pins:{id} is '{pinText}', which is not a version; nothing of '{id}' is loaded.";
                return null;
            }

            var pinned = admissible.FirstOrDefault(c => c.Manifest!.Version == pin);
            if (pinned is null)
            {
                pinProblem = $"Host:Pins:{id} asks for {pin.ToNormalizedString()}, which is not among the loadable versions ({string.Join(", ", admissible.Select(c => c.Manifest!.Version.ToNormalizedString()))}).";
            }

            return pinned;
        }

        return admissible.OrderByDescending(c => c.Manifest!.Version).First();
    }
}
