using System.Buffers.Binary;

namespace Framework.Host.Isolation.Protocol;

/// <summary>Reads and writes frames on a stream (the Unix socket). Writes are serialised, so that
/// concurrent requests and replies never interleave; reads belong to one reader loop.</summary>
public sealed class FrameStream(Stream stream) : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>Reads the next frame; null when the peer closed the connection between frames.</summary>
    /// <exception cref="ProtocolException">The peer closed inside a frame or sent a broken one.</exception>
    public async Task<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        var prefix = new byte[FrameCodec.LengthBytes];
        var first = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (first == 0)
        {
            return null;
        }

        if (first < prefix.Length)
        {
            throw new ProtocolException($"the connection ended {first} bytes into a {FrameCodec.LengthBytes}-byte frame length.");
        }

        var length = FrameCodec.CheckLength(BinaryPrimitives.ReadUInt32LittleEndian(prefix));
        var body = new byte[length];
        var read = await stream.ReadAtLeastAsync(body, length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < length)
        {
            throw new ProtocolException($"the connection ended {read} bytes into a {length}-byte frame body.");
        }

        return FrameCodec.DecodeBody(body);
    }

    /// <summary>Writes one frame.</summary>
    public async Task WriteAsync(Frame frame, CancellationToken cancellationToken)
    {
        var bytes = FrameCodec.Encode(frame);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync().ConfigureAwait(false);
        _writeGate.Dispose();
    }
}
