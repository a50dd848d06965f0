using System.Runtime.InteropServices;
using Framework.Plugins.BpfRuntime.Kernel;
using Framework.Plugins.BpfRuntime.Maps;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed partial class KernelPermissionTests
{
    private const int CapSysAdmin = 21;
    private const int CapBpf = 39;

    [KernelFact(NeedsRoot = true)]
    public void Without_CAP_BPF_map_create_fails_with_EPERM_naming_the_capability()
    {
        // Capabilities are per thread on Linux: drop them from the effective set of a thread of our own.
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                DropEffective(CapBpf, CapSysAdmin);
                using var system = new KernelBpfSystem();
                failure = Record.Exception(() => system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 8, 1)));
            }
            catch (Exception e)
            {
                failure = new InvalidOperationException("dropping capabilities failed", e);
            }
        });
        thread.Start();
        thread.Join();
        var error = Assert.IsType<BpfException>(failure);
        Assert.Equal(BpfErrno.EPERM, error.Errno);
        Assert.Contains("CAP_BPF", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_name_what_is_missing()
    {
        Assert.Contains("bpf(2)", Native.BpfSyscall.Error(38, "BPF_MAP_CREATE").Message, StringComparison.Ordinal);
        Assert.Equal(BpfErrno.ENOSYS, Native.BpfSyscall.Error(38, "BPF_MAP_CREATE").Errno);
        Assert.Contains("CAP_BPF", Native.BpfSyscall.Error(1, "BPF_PROG_LOAD").Message, StringComparison.Ordinal);
    }

    private static void DropEffective(params int[] capabilities)
    {
        var header = new uint[] { 0x20080522, 0 }; // _LINUX_CAPABILITY_VERSION_3, this thread
        var data = new uint[6]; // two of { effective, permitted, inheritable }
        if (capget(header, data) != 0)
        {
            throw new InvalidOperationException($"capget failed: {Marshal.GetLastPInvokeError()}");
        }

        foreach (var cap in capabilities)
        {
            data[(cap / 32) * 3] &= ~(1u << (cap % 32));
        }

        if (capset(header, data) != 0)
        {
            throw new InvalidOperationException($"capset failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int capget(uint[] header, uint[] data);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int capset(uint[] header, uint[] data);
}
