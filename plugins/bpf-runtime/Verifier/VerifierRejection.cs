namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>A broken rule found by the verifier: the instruction and the reason (internal; the
/// verifier turns it into a rejected <see cref="BpfVerifierResult"/>).</summary>
internal sealed class VerifierRejection : Exception
{
    public VerifierRejection(int instruction, string reason)
        : base(reason)
    {
        Instruction = instruction;
    }

    public VerifierRejection()
    {
    }

    public VerifierRejection(string message)
        : base(message)
    {
    }

    public VerifierRejection(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Instruction { get; } = -1;
}
