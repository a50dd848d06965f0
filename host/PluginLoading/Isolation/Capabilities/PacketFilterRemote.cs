using Framework.Host.Isolation.Protocol;
using Framework.Abstractions.Capabilities;

namespace Framework.Host.Isolation.Capabilities;

/// <summary><see cref="IPacketFilter"/> across processes: each frame is one round trip of binary frames
/// (FilterRun with the frame's bytes there, FilterVerdict with the count to keep back; see
/// <see cref="CapabilityServer.RunFilter"/>); Dispose releases the filter on the side that holds it.</summary>
internal sealed class PacketFilterRemote : IRemoteCapability
{
    public Type Type => typeof(IPacketFilter);

    public (string? Value, object? Returned) Invoke(object target, CapabilityCall call)
    {
        var filter = (IPacketFilter)target;
        switch (call.Member)
        {
            case nameof(IDisposable.Dispose):
                filter.Dispose();
                return (null, null);
            default:
                throw new ProtocolException($"{nameof(IPacketFilter)} has no member '{call.Member}'.");
        }
    }

    public object Proxy(CapabilityClient channel, uint handle) => new FilterProxy(channel, handle);

    private sealed class FilterProxy(CapabilityClient channel, uint handle) : IPacketFilter
    {
        private int _disposed;

        public uint Filter(ReadOnlySpan<byte> frame)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return channel.Filter(handle, frame);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                channel.Release(handle);
            }
        }
    }
}
