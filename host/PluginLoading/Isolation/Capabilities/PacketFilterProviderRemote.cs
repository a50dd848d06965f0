using Framework.Host.Isolation.Protocol;
using Framework.Abstractions.Capabilities;

namespace Framework.Host.Isolation.Capabilities;

/// <summary><see cref="IPacketFilterProvider"/> across processes: <c>Kind</c> and <c>Load(path,
/// section)</c> are text; the loaded filter comes back as a handle (see <see cref="PacketFilterRemote"/>).
/// The path is opened by the process that holds the provider.</summary>
internal sealed class PacketFilterProviderRemote : IRemoteCapability
{
    public Type Type => typeof(IPacketFilterProvider);

    public (string? Value, object? Returned) Invoke(object target, CapabilityCall call)
    {
        var provider = (IPacketFilterProvider)target;
        return call.Member switch
        {
            nameof(IPacketFilterProvider.Kind) => (provider.Kind, null),
            nameof(IPacketFilterProvider.Load) => (null, provider.Load(call.Argument(0) ?? throw new ProtocolException("Load's path is null."), call.Argument(1))),
            _ => throw new ProtocolException($"{nameof(IPacketFilterProvider)} has no member '{call.Member}'."),
        };
    }

    public object Proxy(CapabilityClient channel, uint handle) => new ProviderProxy(channel, handle);

    private sealed class ProviderProxy(CapabilityClient channel, uint handle) : IPacketFilterProvider
    {
        private string? _kind;

        public string Kind => _kind ??= channel.Call(handle, new CapabilityCall(nameof(Kind), [])).Value ?? string.Empty;

        public IPacketFilter Load(string path, string? section) =>
            (IPacketFilter)(channel.Call(handle, new CapabilityCall(nameof(Load), [path, section])).Returned
                ?? throw new InvalidOperationException($"{nameof(IPacketFilterProvider)}.Load on the other side returned no filter."));
    }
}
