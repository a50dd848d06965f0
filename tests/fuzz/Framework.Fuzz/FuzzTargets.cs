using Framework.Fuzz.Targets;

namespace Framework.Fuzz;

/// <summary>Every fuzz target, by name.</summary>
public static class FuzzTargets
{
    /// <summary>All targets in a stable order.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        .. Elf2DmpTargets.All,
        .. BpfRuntimeTargets.All,
        .. VectorTransportsTargets.All,
        .. UserEventsTargets.All,
        .. HwbpX86Targets.All,
        .. HostTargets.All,
    ];

    /// <summary>The target named <paramref name="name"/>, or null.</summary>
    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
