using System.Runtime.InteropServices;

namespace Framework.KernelLab.Guest;

/// <summary>A probe step that failed; the message names the step and, for a syscall, the errno.</summary>
internal sealed class ProbeException(string message) : Exception(message)
{
    public static ProbeException FromErrno(string what)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new ProbeException($"{what}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }
}
