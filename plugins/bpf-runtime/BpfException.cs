using System.Globalization;

namespace Framework.Plugins.BpfRuntime;

/// <summary>
/// The only error the runtime throws for bad input or a failing program: a malformed instruction
/// stream, an invalid map attribute, a memory fault. It carries the errno-equivalent
/// (<see cref="Errno"/>) and, where one applies, the index of the instruction
/// (<see cref="InstructionIndex"/>) or the name of the field (<see cref="Field"/>) at fault.
/// </summary>
public sealed class BpfException : Exception
{
    /// <summary>Creates an error with an errno and a message.</summary>
    public BpfException(BpfErrno errno, string message)
        : this(errno, message, -1, null)
    {
    }

    /// <summary>Creates an error that names an instruction and/or a field.</summary>
    /// <param name="errno">The errno-equivalent.</param>
    /// <param name="message">What is wrong, without the instruction index (it is prefixed).</param>
    /// <param name="instructionIndex">The 0-based instruction index, or -1.</param>
    /// <param name="field">The attribute or field name, or null.</param>
    public BpfException(BpfErrno errno, string message, int instructionIndex, string? field = null)
        : base(Format(errno, message, instructionIndex, field))
    {
        Errno = errno;
        InstructionIndex = instructionIndex;
        Field = field;
    }

    /// <summary>Creates an error that wraps another one.</summary>
    public BpfException(BpfErrno errno, string message, Exception innerException)
        : base(Format(errno, message, -1, null), innerException)
    {
        Errno = errno;
        InstructionIndex = -1;
    }

    /// <summary>Creates an EINVAL error (for serializers and tooling).</summary>
    public BpfException()
        : this(BpfErrno.EINVAL, "invalid argument")
    {
    }

    /// <summary>Creates an EINVAL error with a message.</summary>
    public BpfException(string message)
        : this(BpfErrno.EINVAL, message)
    {
    }

    /// <summary>Creates an EINVAL error with a message and a cause.</summary>
    public BpfException(string message, Exception innerException)
        : this(BpfErrno.EINVAL, message, innerException)
    {
    }

    /// <summary>The errno-equivalent.</summary>
    public BpfErrno Errno { get; }

    /// <summary>The 0-based index of the instruction at fault, or -1 when none applies.</summary>
    public int InstructionIndex { get; }

    /// <summary>The attribute or field at fault, or null.</summary>
    public string? Field { get; }

    /// <summary>The kernel verifier's log when the kernel refused a program load, or null.</summary>
    public string? VerifierLog { get; init; }

    /// <summary>The negative errno the kernel would return (for example -22 for EINVAL).</summary>
    public int NegativeErrno => -(int)Errno;

    private static string Format(BpfErrno errno, string message, int index, string? field)
    {
        var prefix = index >= 0 ? string.Create(CultureInfo.InvariantCulture, $"insn {index}: ") : string.Empty;
        var fieldPart = field is null ? string.Empty : field + ": ";
        return $"{prefix}{fieldPart}{message} ({errno})";
    }
}
