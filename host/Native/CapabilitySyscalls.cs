using System.Runtime.InteropServices;

namespace Framework.Host.Native;

/// <summary>
/// capget(2), capset(2) and the capability operations of prctl(2), each wrapped once. Failures come
/// back as <see cref="CapabilityException"/> carrying the errno and the operation.
/// </summary>
internal static partial class CapabilitySyscalls
{
    // linux/capability.h: version 3 takes two 32-bit data words (capabilities 0..63).
    private const uint LinuxCapabilityVersion3 = 0x20080522;

    // linux/prctl.h
    private const int PrCapbsetDrop = 24;
    private const int PrSetNoNewPrivs = 38;
    private const int PrCapAmbient = 47;
    private const int PrCapAmbientRaise = 2;
    private const int PrCapAmbientClearAll = 4;

    /// <summary>The permitted, effective and inheritable masks of this thread (capget).</summary>
    public static (ulong Effective, ulong Permitted, ulong Inheritable) Get()
    {
        var header = new CapUserHeader { Version = LinuxCapabilityVersion3, Pid = 0 };
        var data = new CapUserData[2];
        if (capget(ref header, data) != 0)
        {
            throw new CapabilityException("capget", Marshal.GetLastPInvokeError());
        }

        return (Join(data[0].Effective, data[1].Effective), Join(data[0].Permitted, data[1].Permitted), Join(data[0].Inheritable, data[1].Inheritable));
    }

    /// <summary>Sets the three masks of this thread (capset). The kernel applies capabilities per
    /// thread: call this before any other thread exists that must be confined.</summary>
    public static void Set(ulong effective, ulong permitted, ulong inheritable)
    {
        var header = new CapUserHeader { Version = LinuxCapabilityVersion3, Pid = 0 };
        CapUserData[] data =
        [
            new() { Effective = (uint)effective, Permitted = (uint)permitted, Inheritable = (uint)inheritable },
            new() { Effective = (uint)(effective >> 32), Permitted = (uint)(permitted >> 32), Inheritable = (uint)(inheritable >> 32) },
        ];
        if (capset(ref header, data) != 0)
        {
            throw new CapabilityException("capset", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Removes one capability from the bounding set (needs CAP_SETPCAP).</summary>
    public static void DropFromBoundingSet(int capability) =>
        Prctl($"prctl(PR_CAPBSET_DROP, {capability})", PrCapbsetDrop, (nuint)capability, 0);

    /// <summary>Empties the ambient set.</summary>
    public static void ClearAmbient() =>
        Prctl("prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)", PrCapAmbient, PrCapAmbientClearAll, 0);

    /// <summary>Adds one capability to the ambient set (it must be permitted and inheritable).</summary>
    public static void RaiseAmbient(int capability) =>
        Prctl($"prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, {capability})", PrCapAmbient, PrCapAmbientRaise, (nuint)capability);

    /// <summary>Sets no_new_privs: no execve from here on can gain privileges (setuid bits, file capabilities).</summary>
    public static void SetNoNewPrivileges() =>
        Prctl("prctl(PR_SET_NO_NEW_PRIVS, 1)", PrSetNoNewPrivs, 1, 0);

    private static void Prctl(string what, int option, nuint arg2, nuint arg3)
    {
        if (prctl(option, arg2, arg3, 0, 0) != 0)
        {
            throw new CapabilityException(what, Marshal.GetLastPInvokeError());
        }
    }

    private static ulong Join(uint low, uint high) => low | ((ulong)high << 32);

    [StructLayout(LayoutKind.Sequential)]
    private struct CapUserHeader
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapUserData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int capget(ref CapUserHeader header, [Out] CapUserData[] data);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int capset(ref CapUserHeader header, [In] CapUserData[] data);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
