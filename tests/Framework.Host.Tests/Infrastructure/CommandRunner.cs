using Framework.Abstractions.Commands;
using Framework.Host.Lifecycle;

namespace Framework.Host.Tests.Infrastructure;

internal static class CommandRunner
{
    /// <summary>Calls a plugin command's handler the way the CLI does, returning exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(PluginManager manager, string path, Dictionary<string, IReadOnlyList<string>>? values = null)
    {
        var words = path.Split(' ');
        var (plugin, command) = manager.Commands.Single(c => c.Command.Name == words[0]);
        foreach (var word in words.Skip(1))
        {
            command = command.Subcommands.Single(c => c.Name == word);
        }

        var console = new StringCommandConsole();
        var exit = await command.Handler!(new CommandContext(plugin.Services!, console, values ?? [], path), CancellationToken.None);
        return (exit, console.Out.ToString()!, console.Error.ToString()!);
    }
}
