using System.Text;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// The verifier's log, in the spirit of the kernel's: with <see cref="Verbose"/> every processed
/// instruction with the registers it reads; always the rejection (instruction index and reason)
/// and the closing statistics line. Bounded so a hostile program cannot make it grow without end.
/// </summary>
public sealed class VerifierLog
{
    /// <summary>The most characters kept; later lines are dropped (the end is still reported).</summary>
    public const int MaxLength = 1 << 20;

    private readonly StringBuilder _text = new();
    private bool _truncated;

    /// <summary>Creates a log.</summary>
    /// <param name="verbose">Whether to record every processed instruction.</param>
    public VerifierLog(bool verbose = false) => Verbose = verbose;

    /// <summary>Whether every processed instruction is recorded.</summary>
    public bool Verbose { get; }

    /// <summary>Appends one line.</summary>
    public void Line(string line)
    {
        if (_text.Length + line.Length + 1 > MaxLength)
        {
            if (!_truncated)
            {
                _truncated = true;
                _text.AppendLine("... (log truncated)");
            }

            return;
        }

        _text.AppendLine(line);
    }

    /// <summary>Appends a line that is always kept (the verdict), even after truncation.</summary>
    internal void Final(string line) => _text.AppendLine(line);

    /// <inheritdoc/>
    public override string ToString() => _text.ToString();
}
