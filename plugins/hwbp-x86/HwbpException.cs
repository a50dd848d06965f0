using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86;

/// <summary>
/// The base of every error this plugin raises on purpose: a breakpoint the x86 rules refuse, a slot
/// the kernel's constraints refuse, a failed perf_event_open or ptrace call. Carries the errno the
/// kernel reports (or would report) for the same cause; the message names the field and the cause.
/// </summary>
public class HwbpException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HwbpException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public HwbpException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public HwbpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the errno-equivalent of the cause.</summary>
    public HwbpException(Errno errno, string message)
        : base(message)
    {
        Errno = errno;
    }

    /// <summary>The errno the kernel reports for the same cause.</summary>
    public Errno Errno { get; }
}
