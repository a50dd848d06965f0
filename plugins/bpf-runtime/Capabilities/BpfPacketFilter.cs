using Framework.Abstractions.Capabilities;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Capabilities;

/// <summary>A loaded socket filter offered through <see cref="IPacketFilter"/>.</summary>
internal sealed class BpfPacketFilter(BpfProgramHandle handle) : IPacketFilter
{
    public uint Filter(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        try
        {
            return (uint)handle.Program.RunFrame(frame);
        }
        catch (BpfException)
        {
            // A faulting filter drops the frame rather than failing the packet path.
            return 0;
        }
    }

    public void Dispose() => handle.Dispose();
}
