using System.Globalization;
using Framework.Abstractions.Commands;

namespace Framework.Testing.Commands;

/// <summary>A console that records what a command writes, tables included (also rendered as text
/// to Out, tab-separated, so that assertions on Output see them).</summary>
internal sealed class CapturingConsole : ICommandConsole
{
    private readonly StringWriter _out = new(CultureInfo.InvariantCulture);
    private readonly StringWriter _error = new(CultureInfo.InvariantCulture);

    public TextWriter Out => _out;

    public TextWriter Error => _error;

    public List<CapturedTable> Tables { get; } = [];

    public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var captured = new CapturedTable(title, columns.ToList(), rows.Select(r => (IReadOnlyList<string>)r.ToList()).ToList());
        Tables.Add(captured);
        if (title is not null)
        {
            _out.WriteLine(title);
        }

        _out.WriteLine(string.Join('\t', columns));
        foreach (var row in captured.Rows)
        {
            _out.WriteLine(string.Join('\t', row));
        }
    }

    public IProgressReporter StartProgress(string description, long total) => new SilentProgress();

    public CommandResult ToResult(int exitCode) => new(exitCode, _out.ToString(), _error.ToString(), Tables);

    private sealed class SilentProgress : IProgressReporter
    {
        public void Report(long done)
        {
        }

        public void Describe(string description)
        {
        }

        public void Dispose()
        {
        }
    }
}
