namespace Framework.Abstractions.Commands;

/// <summary>
/// Where a command writes its results. The host renders tables and progress for a person at a
/// terminal and plain text when output is redirected. Thread-safe.
/// </summary>
public interface ICommandConsole
{
    /// <summary>Standard output, for results and plain data.</summary>
    TextWriter Out { get; }

    /// <summary>Standard error, for diagnostics.</summary>
    TextWriter Error { get; }

    /// <summary>Writes a table. Every row must have as many cells as there are columns.</summary>
    void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows);

    /// <summary>Starts reporting progress of long work; dispose the reporter when the work ends.</summary>
    /// <param name="description">What is being done.</param>
    /// <param name="total">The amount of work in the unit the caller reports (bytes, items).</param>
    IProgressReporter StartProgress(string description, long total);
}
