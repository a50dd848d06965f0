using Framework.Host.Isolation.Protocol;
using System.Globalization;
using Framework.Abstractions.Capabilities;

namespace Framework.Host.Isolation.Capabilities;

/// <summary><see cref="IPacketFilter"/> across processes: each frame is one round trip (the frame's
/// bytes there, the count to keep back); Dispose releases the filter on the side that holds it.</summary>
internal sealed class PacketFilterRemote : IRemoteCapability
{
    public Type Type => typeof(IPacketFilter);

    public (string? Value, object? Returned) Invoke(object target, CapabilityCall call)
    {
        var filter = (IPacketFilter)target;
        switch (call.Member)
        {
            case nameof(IPacketFilter.Filter):
                return (filter.Filter(call.Data ?? throw new ProtocolException("Filter's frame is missing.")).ToString(CultureInfo.InvariantCulture), null);
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
            var value = channel.Call(handle, new CapabilityCall(nameof(Filter), [], frame.ToArray())).Value;
            return uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var keep)
                ? keep
                : throw new InvalidOperationException($"{nameof(IPacketFilter)}.Filter on the other side returned '{value}', not a byte count.");
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
