using System.Runtime.InteropServices;
using System.Text;
using Framework.KernelLab.Guest.Native;

namespace Framework.KernelLab.Guest.Probes;

/// <summary>user_events through the 6.4+ ABI, step by step, exactly as a tracer meets it: register
/// with DIAG_IOCSREG (the kernel keeps an enable bit in our memory), enable the event in tracefs and
/// watch the bit flip, write one event with writev (write index first), find it in the trace buffer
/// with its field values, disable, unregister with DIAG_IOCSUNREG, delete with DIAG_IOCSDEL.</summary>
internal static unsafe class UserEventsAbiProbe
{
    public const string EventName = "framework_lab";
    public const string Definition = EventName + " u32 count; u64 stamp; char[8] tag; __rel_loc char[] msg";
    public const uint Count = 42;
    public const ulong Stamp = 0x1122334455667788;
    public const string Tag = "lab";
    public const string Message = "hello from .NET";
    public const int EnableBit = 5;

    // include/uapi/linux/user_events.h: _IOWR('*', 0, struct user_reg *), _IOW('*', 1, char *),
    // _IOW('*', 2, struct user_unreg *); the size field is that of the pointer.
    private const nuint DiagIocsReg = 0xC0082A00;
    private const nuint DiagIocsDel = 0x40082A01;
    private const nuint DiagIocsUnreg = 0x40082A02;

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct UserReg
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
    private struct UserUnreg
    {
        public uint Size;
        public byte DisableBit;
        public byte Reserved;
        public ushort Reserved2;
        public ulong DisableAddr;
    }

    public static IReadOnlyDictionary<string, object?> Run()
    {
        const string tracefs = "/sys/kernel/tracing";
        var eventDir = $"{tracefs}/events/user_events/{EventName}";
        var findings = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (!File.Exists($"{tracefs}/user_events_data"))
        {
            throw new ProbeException($"{tracefs}/user_events_data is missing: this kernel has no user_events");
        }

        var enableWord = (uint*)NativeMemory.AlignedAlloc(8, 8);
        *enableWord = 0;
        var fd = LibC.Open($"{tracefs}/user_events_data", LibC.ORdWr);
        try
        {
            File.WriteAllText($"{tracefs}/trace", string.Empty);

            var nameArgs = Encoding.ASCII.GetBytes(Definition + "\0");
            UserReg reg;
            fixed (byte* name = nameArgs)
            {
                reg = new UserReg
                {
                    Size = (uint)sizeof(UserReg),
                    EnableBit = EnableBit,
                    EnableSize = 4,
                    EnableAddr = (ulong)enableWord,
                    NameArgs = (ulong)name,
                };
                LibC.Ioctl(fd, DiagIocsReg, &reg, "ioctl DIAG_IOCSREG");
            }

            findings["writeIndex"] = reg.WriteIndex;
            findings["registeredInStatus"] = File.ReadAllText($"{tracefs}/user_events_status").Contains(EventName, StringComparison.Ordinal);
            findings["format"] = File.ReadAllText($"{eventDir}/format");
            findings["bitBeforeEnable"] = Bit(enableWord);

            File.WriteAllText($"{eventDir}/enable", "1");
            findings["bitAfterEnable"] = Bit(enableWord);

            findings["bytesWritten"] = WriteEvent(fd, reg.WriteIndex);
            findings["trace"] = File.ReadAllLines($"{tracefs}/trace")
                .Where(line => line.Contains(EventName + ":", StringComparison.Ordinal)).ToArray();

            File.WriteAllText($"{eventDir}/enable", "0");
            findings["bitAfterDisable"] = Bit(enableWord);

            var unreg = new UserUnreg { Size = (uint)sizeof(UserUnreg), DisableBit = EnableBit, DisableAddr = (ulong)enableWord };
            LibC.Ioctl(fd, DiagIocsUnreg, &unreg, "ioctl DIAG_IOCSUNREG");

            // Once unregistered, enabling the event must no longer reach our memory.
            File.WriteAllText($"{eventDir}/enable", "1");
            findings["bitAfterUnregisterAndEnable"] = Bit(enableWord);
            File.WriteAllText($"{eventDir}/enable", "0");

            fixed (byte* name = Encoding.ASCII.GetBytes(EventName + "\0"))
            {
                LibC.Ioctl(fd, DiagIocsDel, name, "ioctl DIAG_IOCSDEL");
            }

            findings["eventDirectoryAfterDelete"] = Directory.Exists(eventDir);
            findings["inStatusAfterDelete"] = File.ReadAllText($"{tracefs}/user_events_status").Contains(EventName, StringComparison.Ordinal);
            return findings;
        }
        finally
        {
            LibC.Close(fd);
            NativeMemory.AlignedFree(enableWord);
        }
    }

    private static bool Bit(uint* word) => (Volatile.Read(ref *word) & (1u << EnableBit)) != 0;

    private static long WriteEvent(int fd, uint writeIndex)
    {
        // Payload after the write index: count u32 @0, stamp u64 @4, tag char[8] @12, msg __rel_loc @20,
        // then msg's bytes. A __rel_loc is (length << 16) | offset from the end of the __rel_loc field.
        var message = Encoding.ASCII.GetBytes(Message + "\0");
        var payload = new byte[24 + message.Length];
        BitConverter.TryWriteBytes(payload.AsSpan(0), Count);
        BitConverter.TryWriteBytes(payload.AsSpan(4), Stamp);
        Encoding.ASCII.GetBytes(Tag).CopyTo(payload.AsSpan(12));
        BitConverter.TryWriteBytes(payload.AsSpan(20), (uint)(message.Length << 16));
        message.CopyTo(payload.AsSpan(24));

        fixed (byte* data = payload)
        {
            var vectors = stackalloc LibC.IoVec[2];
            vectors[0] = new LibC.IoVec { Base = &writeIndex, Length = sizeof(uint) };
            vectors[1] = new LibC.IoVec { Base = data, Length = (nuint)payload.Length };
            return LibC.Writev(fd, vectors, 2, "writev");
        }
    }
}
