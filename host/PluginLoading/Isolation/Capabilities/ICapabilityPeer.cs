using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Isolation.Capabilities;

/// <summary>The other side of a connection, as a capability client sends to it: the host's
/// connection to a child, or a child's connection to the host.</summary>
internal interface ICapabilityPeer
{
    /// <summary>Sends one request and waits for its reply.</summary>
    /// <exception cref="Parent.PluginHostUnavailableException">The connection ended first.</exception>
    Task<PluginReply> SendAsync(PluginRequest request, CancellationToken cancellationToken);

    /// <summary>Sends one FilterRun frame (a <see cref="FilterRunMessage"/> payload) and waits for its
    /// answer: <see cref="PluginReply.Verdict"/> set, or a failed reply saying why.</summary>
    /// <exception cref="Parent.PluginHostUnavailableException">The connection ended first.</exception>
    Task<PluginReply> RunFilterAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
