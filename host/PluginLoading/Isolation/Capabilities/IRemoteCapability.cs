using Framework.Host.Isolation.Protocol;
namespace Framework.Host.Isolation.Capabilities;

/// <summary>
/// The ops table of one contract interface whose calls are plain data (text, numbers, bytes, and
/// objects of other such interfaces), so that it can be used across a process boundary: the side
/// that holds the object runs calls on it (<see cref="Invoke"/>), the other side gets a proxy that
/// sends them (<see cref="Proxy"/>). One implementation per interface, listed in
/// <see cref="RemoteCapabilities"/>.
/// </summary>
internal interface IRemoteCapability
{
    /// <summary>The contract interface.</summary>
    Type Type { get; }

    /// <summary>Runs <paramref name="call"/> on <paramref name="target"/>, an object of <see cref="Type"/>.</summary>
    /// <returns>The result as text, and an object the call returned (of another remote interface), if any.</returns>
    /// <exception cref="ProtocolException">The member is not one of the interface's, or its arguments do not fit it.</exception>
    (string? Value, object? Returned) Invoke(object target, CapabilityCall call);

    /// <summary>An object of <see cref="Type"/> whose calls go to the object <paramref name="handle"/>
    /// on the other side of <paramref name="channel"/>.</summary>
    object Proxy(CapabilityClient channel, uint handle);
}
