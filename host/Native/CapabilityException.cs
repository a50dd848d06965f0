namespace Framework.Host.Native;

/// <summary>A capability system call failed; carries the errno and names the call.</summary>
public sealed class CapabilityException : Exception
{
    /// <summary>Creates the error for <paramref name="operation"/> failing with <paramref name="errno"/>.</summary>
    public CapabilityException(string operation, int errno)
        : base($"{operation} failed: errno {errno} ({Describe(errno)}).")
    {
        Operation = operation;
        Errno = errno;
    }

    /// <summary>Creates the error with a message.</summary>
    public CapabilityException(string message)
        : base(message)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the error with a message and cause.</summary>
    public CapabilityException(string message, Exception inner)
        : base(message, inner)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the error with no message.</summary>
    public CapabilityException()
    {
        Operation = string.Empty;
    }

    /// <summary>The system call and its arguments.</summary>
    public string Operation { get; }

    /// <summary>The errno.</summary>
    public int Errno { get; }

    private static string Describe(int errno) => errno switch
    {
        1 => "EPERM: the process lacks the privilege, or the capability is not in its permitted or bounding set",
        22 => "EINVAL: the kernel does not know this capability or operation",
        _ => System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno),
    };
}
