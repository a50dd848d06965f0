using Framework.Abstractions.Commands;

namespace Framework.Fuzz;

/// <summary>A command console that renders everything (tables are enumerated, so lazy rows run) and
/// keeps nothing: report writers run as the CLI runs them, without terminal output.</summary>
public sealed class NullConsole : ICommandConsole, IProgressReporter
{
    /// <inheritdoc />
    public TextWriter Out => TextWriter.Null;

    /// <inheritdoc />
    public TextWriter Error => TextWriter.Null;

    /// <inheritdoc />
    public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        foreach (var row in rows)
        {
            _ = row.Count;
        }
    }

    /// <inheritdoc />
    public IProgressReporter StartProgress(string description, long total) => this;

    /// <inheritdoc />
    public void Report(long done)
    {
    }

    /// <inheritdoc />
    public void Describe(string description)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
