using Framework.Abstractions.Commands;
using Framework.Testing.Commands;

namespace Framework.Testing.Tests;

public sealed class CommandLineBinderTests
{
    private static PluginCommand[] Tree()
    {
        var copy = new PluginCommand("copy", "Copies.") { Handler = (_, _) => Task.FromResult(0) };
        copy.Aliases.Add("cp");
        copy.Arguments.Add(new PluginArgument("source", "From."));
        copy.Arguments.Add(new PluginArgument("targets", "To.", Required: false, Many: true));
        copy.Options.Add(new PluginOption("--mode", "Mode.", DefaultValue: "fast", Aliases: ["-m"]));
        copy.Options.Add(new PluginOption("--force", "Force.", IsFlag: true, Aliases: ["-f"]));
        copy.Options.Add(new PluginOption("--tag", "Tag.", Required: true));
        var root = new PluginCommand("files", "Files.");
        root.Subcommands.Add(copy);
        return [root];
    }

    [Fact]
    public void Binds_subcommand_aliases_positionals_many_flags_and_defaults()
    {
        var (command, path, values) = CommandLineBinder.Bind(Tree(), ["files", "cp", "a", "b", "c", "-f", "--tag", "t1"]);

        Assert.Equal("copy", command.Name);
        Assert.Equal("files copy", path);
        Assert.Equal(["a"], values["source"]);
        Assert.Equal(["b", "c"], values["targets"]);
        Assert.Equal(["true"], values["--force"]);
        Assert.Equal(["t1"], values["--tag"]);
        Assert.Equal(["fast"], values["--mode"]);
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "nope" }, "'nope' is not a command")]
    [InlineData(new[] { "files" }, "a subcommand is required")]
    [InlineData(new[] { "files", "copy", "--tag", "t" }, "'source' is required")]
    [InlineData(new[] { "files", "copy", "a" }, "'--tag' is required")]
    [InlineData(new[] { "files", "copy", "a", "--tag" }, "needs a value")]
    [InlineData(new[] { "files", "copy", "a", "--tag", "t", "--what" }, "unknown option '--what'")]
    public void Rejects_bad_command_lines_with_a_usage_error(string[] words, string expected)
    {
        var error = Assert.Throws<CommandUsageException>(() => CommandLineBinder.Bind(Tree(), words));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_command_lines_bind_or_fail_with_a_usage_error_only()
    {
        string[] vocabulary = ["files", "copy", "cp", "a", "-f", "--force", "--tag", "-m", "--mode", "--x", "", "-", "--", "\0", "files files"];
        var random = new Random(1234);
        for (var i = 0; i < 5000; i++)
        {
            var words = Enumerable.Range(0, random.Next(0, 8)).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
            try
            {
                CommandLineBinder.Bind(Tree(), words);
            }
            catch (CommandUsageException)
            {
            }
        }
    }
}
