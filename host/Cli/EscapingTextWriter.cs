using System.Text;

namespace Framework.Host.Cli;

/// <summary>A writer that passes text on with <see cref="TerminalText"/>'s escapes: what a command
/// prints (results, messages, file contents it quotes) cannot drive the terminal.</summary>
internal sealed class EscapingTextWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    public override void Write(char value)
    {
        if (TerminalText.IsUnsafe(value))
        {
            inner.Write(TerminalText.Escape(value.ToString()));
        }
        else
        {
            inner.Write(value);
        }
    }

    public override void Write(string? value) => inner.Write(TerminalText.Escape(value));

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer) => inner.Write(TerminalText.Escape(buffer.ToString()));

    public override void WriteLine(string? value) => inner.WriteLine(TerminalText.Escape(value));

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();

    public override Task WriteAsync(string? value) => inner.WriteAsync(TerminalText.Escape(value));

    public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(TerminalText.Escape(value));

    public override Task WriteAsync(char value) => inner.WriteAsync(TerminalText.Escape(value.ToString()));

    public override Task WriteLineAsync() => inner.WriteLineAsync();
}
