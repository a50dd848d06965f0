using Framework.Plugins.VectorTransports.Options;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// The ops table of one transport type, as the kernel keeps one per map type: its name, what it needs,
/// and how to open it from a validated specification. Implementations are stateless and thread-safe.
/// </summary>
public interface ITransportType
{
    /// <summary>The name used in <c>transport=</c>.</summary>
    string Name { get; }

    /// <summary>One line for help.</summary>
    string Description { get; }

    /// <summary>The capability it needs (CAP_NET_RAW, CAP_NET_ADMIN), or null when it needs none.</summary>
    string? RequiredCapability { get; }

    /// <summary>Opens the transport. Sockets and devices are created in the calling thread's network namespace.</summary>
    /// <exception cref="VectorTransportException">A system call failed (the message names the call, the errno
    /// and any missing privilege) or the specification cannot be realised.</exception>
    VectorTransport Open(VectorSpec spec);
}
