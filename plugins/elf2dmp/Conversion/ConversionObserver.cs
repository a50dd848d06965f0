namespace Framework.Plugins.Elf2Dmp.Conversion;

/// <summary>
/// Watches a conversion: stages, messages like those of QEMU's elf2dmp, and copy progress. Override
/// what you need; the base does nothing. Calls come from the converting thread, one at a time.
/// </summary>
public class ConversionObserver
{
    /// <summary>An observer that ignores everything.</summary>
    public static ConversionObserver None { get; } = new();

    /// <summary>A stage starts.</summary>
    public virtual void StageStarted(ConversionStage stage)
    {
    }

    /// <summary>A stage completed.</summary>
    public virtual void StageCompleted(ConversionStage stage, TimeSpan elapsed)
    {
    }

    /// <summary>A stage failed; the conversion stops with <paramref name="error"/>.</summary>
    public virtual void StageFailed(ConversionStage stage, Exception error)
    {
    }

    /// <summary>A line of information (CR3, IDT, kernel base, PDB key, symbols).</summary>
    public virtual void Message(string text)
    {
    }

    /// <summary>Bytes of output written so far.</summary>
    public virtual void Progress(long done, long total)
    {
    }
}
