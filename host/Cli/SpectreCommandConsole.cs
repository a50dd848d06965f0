using Framework.Abstractions.Commands;
using Spectre.Console;

namespace Framework.Host.Cli;

/// <summary>The contract's console on Spectre.Console: tables and progress bars for a person at a
/// terminal; when output is redirected, tables still render (plain borders) and progress is a line
/// per 10% on standard error, so scripts read clean results.</summary>
/// <remarks>Everything a command prints passes <see cref="TerminalText"/>: <see cref="Out"/> and
/// <see cref="Error"/> escape control characters, as do table cells and progress descriptions (the
/// table borders and the progress bar are the console's own).</remarks>
internal sealed class SpectreCommandConsole : ICommandConsole
{
    // Made at the first table: creating it costs more than a short command (the plugin-host child
    // makes a console per command, and most commands write no table).
    private readonly Lazy<IAnsiConsole> _console;
    private readonly TextWriter _rawOut;
    private readonly TextWriter _rawError;
    private readonly bool _interactive;

    public SpectreCommandConsole(TextWriter output, TextWriter error, bool interactive)
    {
        _rawOut = TextWriter.Synchronized(output);
        _rawError = TextWriter.Synchronized(error);
        Out = TextWriter.Synchronized(new EscapingTextWriter(output));
        Error = TextWriter.Synchronized(new EscapingTextWriter(error));
        _interactive = interactive;
        _console = new Lazy<IAnsiConsole>(() =>
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(_rawOut),
                Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
                ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
                Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
            });
            if (!interactive)
            {
                console.Profile.Width = 240;
            }

            return console;
        });
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table { Border = _interactive ? TableBorder.Rounded : TableBorder.Ascii2 };
        if (title is not null)
        {
            table.Title = new TableTitle(Markup.Escape(TerminalText.Escape(title)));
        }

        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(TerminalText.Escape(column))));
        }

        var index = 0;
        foreach (var row in rows)
        {
            if (row.Count != columns.Count)
            {
                throw new ArgumentException($"row {index} has {row.Count} cells; the table has {columns.Count} columns.", nameof(rows));
            }

            table.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(TerminalText.Escape(cell))).ToArray());
            index++;
        }

        lock (_rawOut)
        {
            _console.Value.Write(table);
        }
    }

    public IProgressReporter StartProgress(string description, long total) =>
        _interactive && !Console.IsErrorRedirected
            ? new BarProgressReporter(_rawError, TerminalText.Escape(description), total)
            : new LineProgressReporter(Error, description, total);

    /// <summary>A progress bar redrawn in place on a terminal's standard error, at most ten times a
    /// second, finished with a newline.</summary>
    private sealed class BarProgressReporter(TextWriter error, string description, long total) : IProgressReporter
    {
        private const int Width = 30;
        private readonly Lock _gate = new();
        private string _description = description;
        private long _done;
        private long _lastDraw;
        private bool _disposed;

        public void Report(long done)
        {
            lock (_gate)
            {
                _done = done;
                var now = Environment.TickCount64;
                if (!_disposed && now - _lastDraw >= 100)
                {
                    _lastDraw = now;
                    Draw();
                }
            }
        }

        public void Describe(string description)
        {
            lock (_gate)
            {
                _description = TerminalText.Escape(description);
                if (!_disposed)
                {
                    Draw();
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (!_disposed)
                {
                    Draw();
                    error.WriteLine();
                }

                _disposed = true;
            }
        }

        private void Draw()
        {
            var fraction = total <= 0 ? 1.0 : Math.Clamp((double)_done / total, 0, 1);
            var filled = (int)(fraction * Width);
            error.Write($"\r[{new string('#', filled)}{new string('-', Width - filled)}] {fraction * 100,5:0.0}% {_description}\u001b[K");
            error.Flush();
        }
    }

    /// <summary>Progress as lines on standard error: one per 10%, and a final one. Works the same in
    /// a terminal and a log, and never interleaves with results on standard output.</summary>
    private sealed class LineProgressReporter(TextWriter error, string description, long total) : IProgressReporter
    {
        private readonly Lock _gate = new();
        private string _description = description;
        private int _lastDecile = -1;
        private long _done;
        private bool _disposed;

        public void Report(long done)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _done = done;
                var decile = total <= 0 ? 0 : (int)Math.Clamp(done * 10 / total, 0, 10);
                if (decile != _lastDecile)
                {
                    _lastDecile = decile;
                    error.WriteLine($"{_description}: {decile * 10}% ({done:N0} of {total:N0})");
                }
            }
        }

        public void Describe(string description)
        {
            lock (_gate)
            {
                _description = description;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (!_disposed && _lastDecile != 10)
                {
                    error.WriteLine($"{_description}: done ({_done:N0} of {total:N0})");
                }

                _disposed = true;
            }
        }
    }
}
