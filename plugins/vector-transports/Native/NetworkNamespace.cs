using Framework.Abstractions.Native;

namespace Framework.Plugins.VectorTransports.Native;

/// <summary>
/// Moves the calling thread into a named network namespace (<c>ip netns</c>'s /run/netns/NAME) and back
/// on dispose. Sockets and tap devices created meanwhile stay in that namespace after the thread
/// returns. Use it on one thread without awaiting in between: network namespaces are per thread.
/// Needs CAP_SYS_ADMIN, which the plugin does not declare: that would give every out-of-process
/// vector-transports child the widest capability there is for one option. Without it, entering is
/// refused before setns(2) with a message that says how to get there another way.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private static readonly int SysAdmin = LinuxCapability.BitOf("CAP_SYS_ADMIN");

    private readonly int _previous;
    private bool _disposed;

    private NetworkNamespace(int previous) => _previous = previous;

    /// <summary>Enters namespace <paramref name="name"/>.</summary>
    /// <exception cref="NativeCallException">It does not exist, this process lacks CAP_SYS_ADMIN
    /// (EPERM, saying which capabilities it holds and what to do instead), or setns failed.</exception>
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
            if (LinuxCapability.Effective() is { } effective && (effective & (1UL << SysAdmin)) == 0)
            {
                throw LacksSysAdmin(name, effective);
            }

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

    /// <summary>The refusal of a process that lacks CAP_SYS_ADMIN: in a plugin-host child (which holds
    /// only the declared CAP_NET_ADMIN and CAP_NET_RAW) or in a host run without it.</summary>
    internal static NativeCallException LacksSysAdmin(string name, ulong effective)
    {
        var operation = $"setns({name}, CLONE_NEWNET)";
        return new NativeCallException(operation, Errno.EPERM,
            $"--netns {name} needs CAP_SYS_ADMIN for {operation}, which this process does not hold (it holds {LinuxCapability.Describe(effective)}). " +
            "vector-transports does not declare CAP_SYS_ADMIN, so out of process (Host:Isolation:vector-transports=process) its child never holds it. " +
            $"Run the command inside the namespace instead (ip netns exec {name} framework vector ...), or run vector-transports in process " +
            "(--set Host:Isolation:vector-transports=in-process) in a host that holds CAP_SYS_ADMIN.");
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
