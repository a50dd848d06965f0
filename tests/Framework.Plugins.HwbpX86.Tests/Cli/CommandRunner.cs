using Framework.Abstractions.Commands;
using Framework.Plugins.HwbpX86.Cli;

namespace Framework.Plugins.HwbpX86.Tests.Cli;

/// <summary>Runs an <c>hwbp</c> sub-command's handler the way the host does: values by option name,
/// a usage error as exit code 2 with its message.</summary>
internal static class CommandRunner
{
    public static async Task<(int ExitCode, TestConsole Console, string Usage)> RunAsync(string subcommand, Dictionary<string, string[]> options, CancellationToken cancellationToken = default)
    {
        var command = HwbpCommands.Create().Subcommands.Single(c => c.Name == subcommand);
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var option in command.Options)
        {
            if (options.TryGetValue(option.Name, out var given))
            {
                values[option.Name] = given;
            }
            else if (option.DefaultValue is not null)
            {
                values[option.Name] = [option.DefaultValue];
            }
        }

        Assert.All(options.Keys, k => Assert.Contains(command.Options, o => o.Name == k));
        var console = new TestConsole();
        var context = new CommandContext(new NoServices(), console, values, $"hwbp {subcommand}");
        try
        {
            return (await command.Handler!(context, cancellationToken), console, string.Empty);
        }
        catch (CommandUsageException e)
        {
            return (2, console, e.Message);
        }
        catch (CommandFailedException e)
        {
            // The host prints the message and exits 1.
            return (1, console, e.Message);
        }
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
