using System.Diagnostics;
using System.Net.Sockets;

namespace Framework.Benchmarks.Isolation;

/// <summary>
/// The floor under an out-of-process call on this machine: another process (this benchmark program
/// started with <see cref="Argument"/>) that echoes each 64-byte message on a Unix socket, with the
/// same async socket calls (and thread hand-offs) as the plugin-host protocol but no framing, JSON
/// or plugin.
/// </summary>
internal sealed class SocketEcho : IDisposable
{
    public const string Argument = "--socket-echo";

    private const int MessageBytes = 64;

    private readonly Process _process;
    private readonly Socket _socket;
    private readonly string _folder;
    private readonly byte[] _buffer = new byte[MessageBytes];

    private SocketEcho(Process process, Socket socket, string folder)
    {
        _process = process;
        _socket = socket;
        _folder = folder;
    }

    /// <summary>Starts the echo process and connects to it.</summary>
    public static SocketEcho Start()
    {
        var folder = Directory.CreateTempSubdirectory("framework-echo-").FullName;
        var path = Path.Combine(folder, "s");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(info.FileName) == "dotnet")
        {
            info.ArgumentList.Add(typeof(SocketEcho).Assembly.Location);
        }

        info.ArgumentList.Add(Argument);
        info.ArgumentList.Add(path);
        var process = Process.Start(info)!;
        return new SocketEcho(process, listener.Accept(), folder);
    }

    /// <summary>The echo process's loop: read a message, write it back, until the peer closes.</summary>
    public static void Serve(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        using var stream = new NetworkStream(socket);
        var buffer = new byte[MessageBytes];
        ServeAsync(stream, buffer).GetAwaiter().GetResult();
    }

    /// <summary>One round trip.</summary>
    public async Task RoundTripAsync()
    {
        await _socket.SendAsync(_buffer);
        var read = 0;
        while (read < MessageBytes)
        {
            var n = await _socket.ReceiveAsync(_buffer.AsMemory(read));
            read += n > 0 ? n : throw new IOException("the echo process closed the connection.");
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _process.WaitForExit(5000);
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task ServeAsync(NetworkStream stream, byte[] buffer)
    {
        while (await stream.ReadAtLeastAsync(buffer, MessageBytes, throwOnEndOfStream: false) == MessageBytes)
        {
            await stream.WriteAsync(buffer);
        }
    }
}
