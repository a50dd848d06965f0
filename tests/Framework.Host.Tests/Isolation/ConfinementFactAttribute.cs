namespace Framework.Host.Tests.Isolation;

/// <summary>A fact that gives children CAP_NET_RAW and CAP_BPF, which this process must hold (and
/// CAP_SETPCAP to reduce their bounding set); skipped naming what it lacks.</summary>
public sealed class ConfinementFactAttribute : FactAttribute
{
    public ConfinementFactAttribute()
    {
        if (ProbeChild.MissingPrivilege("CAP_NET_RAW", "CAP_BPF", "CAP_SETPCAP") is { } missing)
        {
            Skip = $"needs CAP_NET_RAW, CAP_BPF and CAP_SETPCAP: {missing}";
        }
    }
}
