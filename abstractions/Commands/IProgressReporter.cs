namespace Framework.Abstractions.Commands;

/// <summary>Progress of one piece of long work, started by <see cref="ICommandConsole.StartProgress"/>.
/// Thread-safe; reports after disposal are ignored.</summary>
public interface IProgressReporter : IDisposable
{
    /// <summary>Sets how much of the total is done.</summary>
    void Report(long done);

    /// <summary>Changes the description, for example to name the current stage.</summary>
    void Describe(string description);
}
