using System.Buffers.Binary;
using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.EventHeader;

namespace Framework.Plugins.UserEvents.Exporter;

/// <summary>
/// Writes EventHeader events built on the calling thread's builder into a tracepoint: the write
/// index, then the event. One builder and one buffer per thread, reused, so steady-state exporting
/// allocates only what formatting the values needs.
/// </summary>
internal static class EventHeaderWriter
{
    [ThreadStatic]
    private static EventHeaderBuilder? t_builder;

    [ThreadStatic]
    private static byte[]? t_buffer;

    public static EventHeaderBuilder Builder => t_builder ??= new EventHeaderBuilder();

    public static bool Write(UserEventTracepoint tracepoint, EventHeaderBuilder builder)
    {
        var body = builder.Build();
        var length = 4 + body.Length;
        var buffer = t_buffer;
        if (buffer is null || buffer.Length < length)
        {
            t_buffer = buffer = new byte[Math.Max(length, 1024)];
        }

        BinaryPrimitives.WriteInt32LittleEndian(buffer, tracepoint.Registration.WriteIndex);
        body.CopyTo(buffer.AsSpan(4));
        return tracepoint.Write(buffer.AsSpan(0, length));
    }
}
