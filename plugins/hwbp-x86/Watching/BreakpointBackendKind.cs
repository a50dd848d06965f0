namespace Framework.Plugins.HwbpX86.Watching;

/// <summary>How breakpoints are programmed.</summary>
public enum BreakpointBackendKind
{
    /// <summary>perf_event_open with PERF_TYPE_BREAKPOINT; hits sampled into a ring buffer.</summary>
    Perf,

    /// <summary>ptrace: DR0 to DR3 and DR7 written through PTRACE_POKEUSER, hits as SIGTRAP with DR6.</summary>
    Ptrace,
}
