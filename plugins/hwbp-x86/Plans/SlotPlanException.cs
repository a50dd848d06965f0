using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>A plan file is malformed: carries the step index (0-based, -1 for the document) and the field.</summary>
public sealed class SlotPlanException : HwbpException
{
    /// <summary>Creates the exception.</summary>
    public SlotPlanException()
    {
        Field = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public SlotPlanException(string message)
        : base(Errno.EINVAL, message)
    {
        Field = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SlotPlanException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    /// <summary>Creates the exception for a step and field.</summary>
    public SlotPlanException(int step, string field, string message)
        : base(Errno.EINVAL, step < 0 ? $"plan: {message}" : $"plan step {step + 1}{(field.Length > 0 ? ", \"" + field + "\"" : string.Empty)}: {message}")
    {
        Step = step;
        Field = field;
    }

    /// <summary>The 0-based step index, or -1 for the document as a whole.</summary>
    public int Step { get; } = -1;

    /// <summary>The field at fault, or empty.</summary>
    public string Field { get; }
}
