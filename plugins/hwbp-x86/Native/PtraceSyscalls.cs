using System.Globalization;
using System.Runtime.InteropServices;

namespace Framework.Plugins.HwbpX86.Native;

/// <summary>ptrace(2) and waitpid(2) for the debug-register backend, each wrapped once. Every call
/// must come from the thread that attached (the tracer is a thread, not a process).</summary>
internal static unsafe class PtraceSyscalls
{
    public const long PeekUser = 3;
    public const long PokeUser = 6;
    public const long Cont = 7;
    public const long Detach = 17;
    public const long Seize = 0x4206;
    public const long Interrupt = 0x4207;
    public const long Listen = 0x4208;
    public const int EventStop = 128;
    public const int WaitAll = 0x4000_0000;
    public const int WaitNoHang = 1;
    public const int SigTrap = 5;
    public const int SigStop = 19;

    // offsetof(struct user, u_debugreg) on x86-64 (sys/user.h), and of regs.rip.
    public const int DebugRegisterOffset = 848;
    public const int RipOffset = 16 * 8;

    public static nint DebugRegister(int n) => DebugRegisterOffset + (n * 8);

    public static void Call(long request, int tid, nint address, nint data, string what)
    {
        if (LibC.Ptrace(request, tid, address, data) < 0)
        {
            throw NativeCallException.For(string.Create(CultureInfo.InvariantCulture, $"ptrace({what}, thread {tid})"), (Errno)Marshal.GetLastPInvokeError());
        }
    }

    public static Errno TryCall(long request, int tid, nint address, nint data) =>
        LibC.Ptrace(request, tid, address, data) < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;

    public static ulong Peek(int tid, nint offset, string what)
    {
        var value = LibC.Ptrace(PeekUser, tid, offset, 0);
        var errno = (Errno)Marshal.GetLastPInvokeError();
        if (value == -1 && errno != Errno.None)
        {
            throw NativeCallException.For(string.Create(CultureInfo.InvariantCulture, $"ptrace(PTRACE_PEEKUSER {what}, thread {tid})"), errno);
        }

        return unchecked((ulong)value);
    }

    /// <summary>waitpid for one thread; returns the pid (0 when nothing changed with WNOHANG) and the status.</summary>
    public static (int Pid, int Status, Errno Errno) Wait(int tid, bool block)
    {
        int status;
        var pid = LibC.WaitPid(tid, &status, WaitAll | (block ? 0 : WaitNoHang));
        return pid < 0 ? (pid, 0, (Errno)Marshal.GetLastPInvokeError()) : (pid, status, Errno.None);
    }

    public static bool Exited(int status) => (status & 0x7f) == 0;

    public static bool Signaled(int status) => (status & 0x7f) != 0 && (status & 0x7f) != 0x7f;

    public static bool Stopped(int status) => (status & 0xff) == 0x7f;

    public static int StopSignal(int status) => (status >> 8) & 0xff;

    public static int StopEvent(int status) => (status >> 16) & 0xff;
}
