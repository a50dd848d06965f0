using System.Text;
using Framework.Abstractions.Commands;
using Microsoft.Extensions.Logging;

namespace Framework.Plugins.Elf2Dmp.Cli;

/// <summary>An <see cref="ICommandConsole"/> that writes to a logger, so jobs can reuse the commands' reports.</summary>
internal sealed class LoggerConsole : ICommandConsole
{
    private readonly ILogger _logger;

    public LoggerConsole(ILogger logger)
    {
        _logger = logger;
        Out = new LineWriter(line => _logger.LogInformation("{Line}", line));
        Error = new LineWriter(line => _logger.LogWarning("{Line}", line));
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(title).AppendLine(string.Join(" | ", columns));
        foreach (var row in rows)
        {
            text.AppendLine(string.Join(" | ", row));
        }

        _logger.LogInformation("{Table}", text.ToString().TrimEnd());
    }

    public IProgressReporter StartProgress(string description, long total) => new NoProgress();

    private sealed class NoProgress : IProgressReporter
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

    private sealed class LineWriter(Action<string> write) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                write(_line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }

        public override void WriteLine(string? value)
        {
            write(_line.Append(value).ToString());
            _line.Clear();
        }
    }
}
