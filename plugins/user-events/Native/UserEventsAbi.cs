using System.Runtime.InteropServices;

namespace Framework.Plugins.UserEvents.Native;

/// <summary>include/uapi/linux/user_events.h (6.4+): the ioctl numbers and the packed structures.</summary>
internal static class UserEventsAbi
{
    private const uint IocWrite = 1;
    private const uint IocRead = 2;
    private const uint Magic = '*';

    /// <summary>DIAG_IOCSREG = _IOWR('*', 0, struct user_reg *).</summary>
    public static readonly nuint DiagIocsReg = Ioc(IocRead | IocWrite, 0);

    /// <summary>DIAG_IOCSDEL = _IOW('*', 1, char *).</summary>
    public static readonly nuint DiagIocsDel = Ioc(IocWrite, 1);

    /// <summary>DIAG_IOCSUNREG = _IOW('*', 2, struct user_unreg *).</summary>
    public static readonly nuint DiagIocsUnreg = Ioc(IocWrite, 2);

    // The size field is that of the pointer type the macros name, 8 on a 64-bit kernel.
    private static nuint Ioc(uint direction, uint number) => (nuint)((direction << 30) | (8u << 16) | (Magic << 8) | number);

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public struct UserReg
    {
        public uint Size;
        public byte EnableBit;
        public byte EnableSize;
        public ushort Flags;
        public ulong EnableAddr;
        public ulong NameArgs;
        public uint WriteIndex;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public struct UserUnreg
    {
        public uint Size;
        public byte DisableBit;
        public byte Reserved;
        public ushort Reserved2;
        public ulong DisableAddr;
    }
}
