namespace Framework.Plugins.BpfRuntime.Tests;

/// <summary>A fact that needs the bpf_conformance suite at ../shared/conformance/bpf relative to the repository root.</summary>
public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (ConformanceSuite.Directory is null)
        {
            Skip = "needs the bpf_conformance test files at ../shared/conformance/bpf next to the repository root (https://github.com/Alan-Jowett/bpf_conformance, tests/*.data)";
        }
    }
}
