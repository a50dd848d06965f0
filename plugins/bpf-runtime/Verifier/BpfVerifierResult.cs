using Framework.Plugins.BpfRuntime.Jit;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>The verdict on one program: accepted, or rejected at an instruction for a reason; the log;
/// the exploration's cost; and, when accepted, the accesses proven in bounds for the JIT.</summary>
public sealed class BpfVerifierResult
{
    internal BpfVerifierResult(bool accepted, int errorInstruction, string? error, string log, int processed, int states, TimeSpan elapsed, IBpfAccessProof? proof, int proven)
    {
        Accepted = accepted;
        ErrorInstruction = errorInstruction;
        Error = error;
        Log = log;
        ProcessedInstructions = processed;
        TotalStates = states;
        Elapsed = elapsed;
        Proof = proof;
        ProvenAccesses = proven;
    }

    /// <summary>Whether the program is safe to run.</summary>
    public bool Accepted { get; }

    /// <summary>The instruction the rejection names (-1 when accepted or not tied to one).</summary>
    public int ErrorInstruction { get; }

    /// <summary>The reason for the rejection.</summary>
    public string? Error { get; }

    /// <summary>The log (see <see cref="VerifierLog"/>).</summary>
    public string Log { get; }

    /// <summary>Instructions processed over all explored paths.</summary>
    public int ProcessedInstructions { get; }

    /// <summary>States recorded at prune points.</summary>
    public int TotalStates { get; }

    /// <summary>Time the verification took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Loads and stores proven in bounds on every path.</summary>
    public int ProvenAccesses { get; }

    /// <summary>The proof the JIT uses to leave out bounds checks; null when rejected.</summary>
    public IBpfAccessProof? Proof { get; }
}
