using Framework.Abstractions.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace Acme.Hello;

/// <summary>The plugin's commands: <c>framework acme-hello greet &lt;name&gt; [--shout]</c>.</summary>
public static class GreetCommand
{
    /// <summary>The command tree the host maps under <c>framework acme-hello</c>.</summary>
    public static PluginCommand Create()
    {
        var greet = new PluginCommand("greet", "Greets someone.")
        {
            Handler = (context, _) =>
            {
                var name = context.GetArgument("name")!;
                if (string.IsNullOrWhiteSpace(name))
                {
                    // A usage error: the host prints it and exits with 2.
                    throw new CommandUsageException("name: give a name to greet.");
                }

                foreach (var line in context.Services.GetRequiredService<Greeter>().Greet(name))
                {
                    context.Console.Out.WriteLine(context.HasFlag("--shout") ? line.ToUpperInvariant() : line);
                }

                return Task.FromResult(0);
            },
        };
        greet.Arguments.Add(new PluginArgument("name", "Who to greet."));
        greet.Options.Add(new PluginOption("--shout", "Greet in capitals.", IsFlag: true));

        var root = new PluginCommand("acme-hello", "Acme.Hello commands.");
        root.Subcommands.Add(greet);
        return root;
    }
}
