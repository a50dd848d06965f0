namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>Text taken from input files and option strings reaches the terminal with its control
/// characters escaped: a hostile file cannot clear the screen, retitle the window or hide text.</summary>
public sealed class TerminalSafetyTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task An_assembler_error_quoting_a_hostile_program_line_escapes_ESC_and_BEL()
    {
        var program = _scratch["hostile.s"];
        await File.WriteAllTextAsync(program, "mov %r0, 1\n\u001b]0;pwned\u0007\u001b[2Jbogus %r1\nexit\n");

        var result = await Scratch.Run("bpf", "asm", program, "-o", _scratch["out.o"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        AssertNoControls(result.Output + result.Error);
        Assert.Contains("\\x1b", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hostile_option_string_is_escaped_in_its_error()
    {
        var result = await Scratch.Run("vector", "send", "transport=unix\u001b[2J\u009b31m,src=@a,dst=@b");

        Assert.True(result.ExitCode == 2, result.ToString());
        AssertNoControls(result.Output + result.Error);
        Assert.Contains("character U+001B is not allowed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_line_quoting_a_hostile_manifest_and_folder_name_escapes_ESC()
    {
        // The host logs a refused plugin with its folder and the manifest field it quotes; the
        // console logger's lines are output like any other.
        var folder = Path.Combine(_scratch["plugins\u001b[31m"], "evil");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "plugin.json"), """{"id":"ev\u001b[32m\u009bil","version":"1.0.0"}""");

        var result = await Scratch.Run("--no-bundled-plugins", "--plugins-dir", Path.GetDirectoryName(folder)!, "plugins", "list");

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertNoControls(result.Output + result.Error);
        Assert.Contains("fail: Framework.Host.Plugins", result.Error, StringComparison.Ordinal);
        Assert.Contains("plugins\\x1b[31m/evil refused", result.Error, StringComparison.Ordinal);
        Assert.Contains("'ev\\x1b[32m\\x9bil'", result.Error, StringComparison.Ordinal);
    }

    private static void AssertNoControls(string printed)
    {
        foreach (var c in printed)
        {
            Assert.False(c is < ' ' and not ('\n' or '\t') || c is >= '\u007f' and <= '\u009f', $"control character U+{(int)c:X4} reached the terminal:\n{printed}");
        }
    }
}
