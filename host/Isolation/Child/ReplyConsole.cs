using Framework.Abstractions.Commands;
using Framework.Host.Cli;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Isolation.Child;

/// <summary>
/// The console a command sees in the plugin-host child: text goes, escaped as on the host's console,
/// into the reply's output and error; tables are kept as data with their place in the output, so that
/// the host renders them with its own console (as it renders an in-process plugin's) and
/// Framework.Testing captures them as tables in both modes. Progress is reported as lines on error,
/// as the host does when its error output is not a terminal.
/// </summary>
internal sealed class ReplyConsole : ICommandConsole, IDisposable
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private readonly SpectreCommandConsole _text;
    private readonly List<CommandTable> _tables = [];

    public ReplyConsole()
    {
        _text = new SpectreCommandConsole(_output, _error, interactive: false);
    }

    public TextWriter Out => _text.Out;

    public TextWriter Error => _text.Error;

    public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        lock (_tables)
        {
            Out.Flush();
            _tables.Add(new CommandTable(_output.GetStringBuilder().Length, title, columns.ToList(), rows.Select(r => (IReadOnlyList<string>)r.ToList()).ToList()));
        }
    }

    public IProgressReporter StartProgress(string description, long total) => _text.StartProgress(description, total);

    /// <summary>The reply for a command that ended with <paramref name="exitCode"/>.</summary>
    public PluginReply ToReply(int exitCode)
    {
        lock (_tables)
        {
            Out.Flush();
            Error.Flush();
            return new PluginReply(exitCode, _output.ToString(), _error.ToString()) { Tables = [.. _tables] };
        }
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
    }
}
