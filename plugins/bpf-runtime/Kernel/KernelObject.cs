using Microsoft.Win32.SafeHandles;

namespace Framework.Plugins.BpfRuntime.Kernel;

/// <summary>A kernel BPF object (map or program) held through its file descriptor; disposing closes
/// the descriptor, and the kernel frees the object when no descriptor, pin or program holds it.</summary>
public abstract class KernelObject : IDisposable
{
    private readonly SafeFileHandle _handle;

    private protected KernelObject(int fd)
    {
        _handle = new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The kernel file descriptor (what <c>lddw map_fd(fd)</c> names).</summary>
    public int Fd => _handle.IsClosed ? throw new ObjectDisposedException(GetType().Name) : (int)_handle.DangerousGetHandle();

    /// <summary>Whether the descriptor is closed.</summary>
    public bool IsClosed => _handle.IsClosed;

    /// <summary>Closes the descriptor; repeated calls do nothing.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        GC.SuppressFinalize(this);
    }
}
