namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>What a plan step does.</summary>
public enum SlotPlanOp
{
    /// <summary>Registers a breakpoint (perf_event_open).</summary>
    Open,

    /// <summary>Changes a breakpoint's type or length (PERF_EVENT_IOC_MODIFY_ATTRIBUTES).</summary>
    Modify,

    /// <summary>Releases a breakpoint (close).</summary>
    Close,
}
