namespace Framework.KernelLab;

/// <summary>A lab command that failed, panicked, hung or never ran; the message is <see cref="LabResult.Describe"/>.</summary>
public sealed class LabRunFailedException : Exception
{
    public LabRunFailedException(string message)
        : base(message)
    {
    }

    public LabRunFailedException()
    {
    }

    public LabRunFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
