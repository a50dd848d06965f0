namespace Framework.Plugins.BpfRuntime.Syscall;

/// <summary>
/// A file-descriptor-like handle on a map or program: it holds one reference, has a small integer
/// <see cref="Fd"/> (the lowest free number from 3, as Linux allocates descriptors) that programs use
/// in <c>lddw map_fd(N)</c>, and disposing it closes it. Closing the last handle (and having no pin)
/// frees the object. Dispose is idempotent and thread-safe.
/// </summary>
public abstract class BpfHandle : IDisposable
{
    private int _closed;

    internal BpfHandle(BpfSystem system, BpfObject target)
    {
        System = system;
        Target = target;
        target.AddUserReference();
        Fd = system.AllocateFd(this);
    }

    /// <summary>The descriptor number.</summary>
    public int Fd { get; }

    /// <summary>The object.</summary>
    public BpfObject Target { get; }

    /// <summary>The owning system.</summary>
    public BpfSystem System { get; }

    /// <summary>Whether the handle has been closed.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Closes the handle (like close(2)).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        System.FreeFd(Fd);
        Target.ReleaseUserReference();
        Target.Release();
        GC.SuppressFinalize(this);
    }
}
