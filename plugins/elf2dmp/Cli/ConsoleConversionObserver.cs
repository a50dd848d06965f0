using Framework.Abstractions.Commands;
using Framework.Plugins.Elf2Dmp.Conversion;

namespace Framework.Plugins.Elf2Dmp.Cli;

/// <summary>Prints a conversion as QEMU's elf2dmp does, one line per finding, with a progress bar while writing.</summary>
internal sealed class ConsoleConversionObserver : ConversionObserver, IDisposable
{
    private readonly ICommandConsole _console;
    private IProgressReporter? _progress;

    public ConsoleConversionObserver(ICommandConsole console) => _console = console;

    public override void StageStarted(ConversionStage stage)
    {
        if (stage == ConversionStage.Write)
        {
            _progress = _console.StartProgress("Writing dump", 1000);
        }
    }

    public override void StageCompleted(ConversionStage stage, TimeSpan elapsed)
    {
        if (stage == ConversionStage.Write)
        {
            _progress?.Dispose();
            _progress = null;
        }
    }

    public override void StageFailed(ConversionStage stage, Exception error)
    {
        _progress?.Dispose();
        _progress = null;
        _console.Error.WriteLine($"Stage {stage} failed: {error.Message}");
    }

    public override void Message(string text) => _console.Out.WriteLine(text);

    public override void Progress(long done, long total)
    {
        if (_progress is not null && total > 0)
        {
            // The reporter was started before the total was known: report per mille.
            _progress.Report(done * 1000 / total);
        }
    }

    public void Dispose() => _progress?.Dispose();
}
