using Framework.Abstractions;
using Framework.Plugins.HwbpX86.Kernel;

namespace Framework.Plugins.HwbpX86;

/// <summary>Entry point of the hwbp-x86 plugin. Slot accounting, debug-register encoding and the
/// perf_event_open and ptrace backends come with their own issue; for now it reports whether this
/// machine can have hardware breakpoints at all.</summary>
public sealed class HwbpX86Plugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        builder.AddHealthCheck("hardware-breakpoints", _ => new BreakpointFeatureCheck("/proc/sys/kernel/perf_event_paranoid"));
    }
}
