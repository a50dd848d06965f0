namespace Framework.Plugins.VectorTransports.Filters;

/// <summary>A classic BPF program that the kernel would refuse, or a filter file that cannot be read;
/// the message names the instruction index or line.</summary>
public sealed class SocketFilterException : VectorTransportException
{
    /// <summary>Creates the exception.</summary>
    public SocketFilterException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SocketFilterException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SocketFilterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one instruction.</summary>
    public SocketFilterException(int instructionIndex, string message)
        : base(message)
    {
        InstructionIndex = instructionIndex;
    }

    /// <summary>The instruction at fault, or -1 when the fault is not in one instruction.</summary>
    public int InstructionIndex { get; } = -1;
}
