namespace Framework.Plugins.VectorTransports.Native;

/// <summary>
/// Moves the calling thread into a named network namespace (<c>ip netns</c>'s /run/netns/NAME) and back
/// on dispose. Sockets and tap devices created meanwhile stay in that namespace after the thread
/// returns. Use it on one thread without awaiting in between: network namespaces are per thread.
/// Needs CAP_SYS_ADMIN.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private readonly int _previous;
    private bool _disposed;

    private NetworkNamespace(int previous) => _previous = previous;

    /// <summary>Enters namespace <paramref name="name"/>.</summary>
    /// <exception cref="NativeCallException">It does not exist, or setns is not permitted.</exception>
    public static NetworkNamespace Enter(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("a namespace name has no '/'", nameof(name));
        }

        var previous = LibC.Open($"/proc/thread-self/ns/net", LinuxConstants.O_CLOEXEC);
        if (previous < 0)
        {
            throw Syscall.Error("open(/proc/thread-self/ns/net)");
        }

        var target = LibC.Open($"/run/netns/{name}", LinuxConstants.O_CLOEXEC);
        if (target < 0)
        {
            var error = Syscall.Error($"open(/run/netns/{name})");
            Syscall.Close(previous);
            throw error;
        }

        try
        {
            Syscall.Check(LibC.SetNs(target, LinuxConstants.CLONE_NEWNET), $"setns({name}, CLONE_NEWNET)", "CAP_SYS_ADMIN");
        }
        catch
        {
            Syscall.Close(previous);
            throw;
        }
        finally
        {
            Syscall.Close(target);
        }

        return new NetworkNamespace(previous);
    }

    /// <summary>Returns the thread to the namespace it was in.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Syscall.Check(LibC.SetNs(_previous, LinuxConstants.CLONE_NEWNET), "setns(previous, CLONE_NEWNET)");
        }
        finally
        {
            Syscall.Close(_previous);
        }
    }
}
