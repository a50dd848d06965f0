using Framework.Host.Discovery;

namespace Framework.Host.Tests.Isolation;

/// <summary>A fact that needs some capability this process does not hold (<see cref="Lacking"/>);
/// skipped when it holds them all (root).</summary>
public sealed class LackingCapabilityFactAttribute : FactAttribute
{
    public LackingCapabilityFactAttribute()
    {
        if (Lacking is null)
        {
            Skip = "needs a process without some capability; this one holds every capability the kernel knows (root)";
        }
    }

    /// <summary>A capability this process lacks, or null.</summary>
    public static string? Lacking
    {
        get
        {
            var effective = Framework.Abstractions.Native.LinuxCapability.Effective() ?? 0;
            var last = LinuxCapabilities.LastCapability();
            return Framework.Abstractions.Native.LinuxCapability.Names.Where((_, bit) => bit <= last && (effective & (1UL << bit)) == 0).FirstOrDefault();
        }
    }
}
