using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Framework.Plugins.VectorTransports.Native;

/// <summary>A sockaddr in its kernel byte layout (sockaddr_un, sockaddr_in, sockaddr_in6, sockaddr_ll).</summary>
internal sealed class NativeSocketAddress
{
    private NativeSocketAddress(byte[] bytes, string text)
    {
        Bytes = bytes;
        Text = text;
    }

    /// <summary>The sockaddr bytes, exactly as long as the address.</summary>
    public byte[] Bytes { get; }

    /// <summary>The address for messages.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    /// <summary>sockaddr_un for a path; a leading '@' names the abstract namespace (a NUL first byte).</summary>
    public static NativeSocketAddress Unix(string path)
    {
        var pathBytes = Encoding.UTF8.GetBytes(path);
        var abstractName = pathBytes.Length > 0 && pathBytes[0] == (byte)'@';
        if (abstractName)
        {
            pathBytes[0] = 0;
        }

        // Abstract names are exactly their bytes; file paths carry the terminating NUL.
        var bytes = new byte[2 + pathBytes.Length + (abstractName ? 0 : 1)];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, LinuxConstants.AF_UNIX);
        pathBytes.CopyTo(bytes, 2);
        return new NativeSocketAddress(bytes, path);
    }

    /// <summary>sockaddr_in or sockaddr_in6.</summary>
    public static NativeSocketAddress Ip(IPAddress address, int port)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = new byte[16];
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, LinuxConstants.AF_INET);
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)port);
            address.TryWriteBytes(bytes.AsSpan(4), out _);
            return new NativeSocketAddress(bytes, new IPEndPoint(address, port).ToString());
        }

        var v6 = new byte[28];
        BinaryPrimitives.WriteUInt16LittleEndian(v6, LinuxConstants.AF_INET6);
        BinaryPrimitives.WriteUInt16BigEndian(v6.AsSpan(2), (ushort)port);
        address.TryWriteBytes(v6.AsSpan(8), out _);
        BinaryPrimitives.WriteUInt32LittleEndian(v6.AsSpan(24), (uint)address.ScopeId);
        return new NativeSocketAddress(v6, new IPEndPoint(address, port).ToString());
    }

    /// <summary>sockaddr_ll bound to an interface and protocol (host order given, stored big-endian).</summary>
    public static NativeSocketAddress Link(int ifIndex, ushort protocol, string name)
    {
        var bytes = new byte[20];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, LinuxConstants.AF_PACKET);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), protocol);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), ifIndex);
        return new NativeSocketAddress(bytes, $"{name} (ifindex {ifIndex})");
    }

    /// <summary>binds <paramref name="fd"/> to this address.</summary>
    public unsafe void Bind(int fd, string? privilege = null)
    {
        fixed (byte* p = Bytes)
        {
            Syscall.Check(LibC.Bind(fd, p, (uint)Bytes.Length), $"bind({Text})", privilege);
        }
    }

    /// <summary>connects <paramref name="fd"/> to this address; returns the errno instead of throwing.</summary>
    public unsafe Errno TryConnect(int fd)
    {
        fixed (byte* p = Bytes)
        {
            return LibC.Connect(fd, p, (uint)Bytes.Length) == 0 ? Errno.None : Syscall.LastErrno;
        }
    }
}
