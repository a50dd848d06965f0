using Framework.Plugins.BpfRuntime.Kernel;

namespace Framework.Plugins.BpfRuntime.Tests;

/// <summary>A fact that needs bpf(2) with CAP_BPF on this machine; skips naming what is missing.</summary>
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (KernelBpfSystem.Unavailable is { } reason)
        {
            Skip = "needs bpf(2) with CAP_BPF: " + reason;
        }
    }

    /// <summary>Also needs root, to mount a bpffs.</summary>
    public bool NeedsRoot
    {
        get => false;
        init
        {
            if (value && Skip is null && !Environment.IsPrivilegedProcess)
            {
                Skip = "needs root to mount a bpffs (mount -t bpf)";
            }
        }
    }
}
