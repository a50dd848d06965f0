using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86.Arch;

/// <summary>The verdict of a rule check: <see cref="Errno.None"/>, or the errno the kernel returns for
/// the same breakpoint and a message that names the field and the cause.</summary>
/// <param name="Errno">The errno, or <see cref="Errno.None"/>.</param>
/// <param name="Message">What was wrong; empty when nothing was.</param>
public readonly record struct BreakpointCheck(Errno Errno, string Message)
{
    /// <summary>The breakpoint is acceptable.</summary>
    public static BreakpointCheck Ok { get; } = new(Errno.None, string.Empty);

    /// <summary>Whether the breakpoint is acceptable.</summary>
    public bool IsOk => Errno == Errno.None;

    /// <summary>Throws <see cref="HwbpException"/> with the errno and message when not acceptable.</summary>
    public void ThrowIfFailed()
    {
        if (!IsOk)
        {
            throw new HwbpException(Errno, Message);
        }
    }
}
