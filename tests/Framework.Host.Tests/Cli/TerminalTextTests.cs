using Framework.Host.Cli;

namespace Framework.Host.Tests.Cli;

public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("title\u001b]0;pwned\u0007", "title\\x1b]0;pwned\\x07")]
    [InlineData("\u001b[2J\u001b[H", "\\x1b[2J\\x1b[H")]
    [InlineData("back\bspace\rcarriage", "back\\x08space\\x0dcarriage")]
    [InlineData("nul\0del\u007f", "nul\\x00del\\x7f")]
    [InlineData("c1 csi\u009b31m nel\u0085", "c1 csi\\x9b31m nel\\x85")]
    [InlineData("bidi \u202eevil\u202c \u2066iso\u2069", "bidi \\u202eevil\\u202c \\u2066iso\\u2069")]
    public void Control_characters_are_written_as_escapes(string text, string expected) =>
        Assert.Equal(expected, TerminalText.Escape(text));

    [Theory]
    [InlineData("plain ascii")]
    [InlineData("tab\tand\nnewline")]
    [InlineData("Grüße, 日本語, emoji 🙂, backslash \\x1b stays")]
    [InlineData("")]
    public void Safe_text_passes_unchanged(string text) =>
        Assert.Same(text, TerminalText.Escape(text));

    [Fact]
    public void The_console_escapes_what_commands_print_on_both_streams_and_in_tables()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new SpectreCommandConsole(output, error, interactive: false);

        console.Out.WriteLine("section \u001b[31mred\u001b[0m");
        console.Out.Write('\u001b');
        console.Out.Write("\u009b".ToCharArray(), 0, 1);
        console.Error.WriteLine("comment \u001b]2;title\u0007");
        console.WriteTable("tag \u001b[1m", ["name"], [["cell \u001b[5mblink"]]);

        var printed = output.ToString() + error;
        Assert.DoesNotContain('\u001b', printed);
        Assert.DoesNotContain('\u009b', printed);
        Assert.DoesNotContain('\u0007', printed);
        Assert.Contains("section \\x1b[31mred\\x1b[0m", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\\x1b\\x9b", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("comment \\x1b]2;title\\x07", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("cell \\x1b[5mblink", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("tag \\x1b[1m", output.ToString(), StringComparison.Ordinal);
    }
}
