using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Framework.Abstractions.Commands;
using Framework.TestLib;
using Microsoft.Extensions.DependencyInjection;

namespace Framework.TestPlugins.LibUser;

/// <summary>Compiled twice, against Framework.TestLib 1.0.0 (lib-user-a) and 2.0.0 (lib-user-b).</summary>
public sealed class LibUserPlugin : IPlugin
{
    public void Configure(IPluginBuilder builder)
    {
        var id = builder.Plugin.Id;
        var version = new PluginCommand("version", "Which Framework.TestLib this plugin sees.")
        {
            Handler = (context, _) =>
            {
                var assembly = typeof(LibraryInfo).Assembly;
                context.Console.Out.WriteLine($"{id} sees {assembly.GetName().Name} {assembly.GetName().Version} {LibraryInfo.Flavour}");
                return Task.FromResult(0);
            },
        };
        var filter = new PluginCommand("filter", "Runs a frame through a packet filter another plugin offers.")
        {
            Handler = (context, _) =>
            {
                var capabilities = context.Services.GetRequiredService<ICapabilities>();
                var provider = capabilities.Get<IPacketFilterProvider>();
                if (provider is null)
                {
                    context.Console.Error.WriteLine("no plugin offers a packet filter");
                    return Task.FromResult(1);
                }

                using var loaded = provider.Load(context.GetArgument("spec")!, null);
                var frame = new byte[(int)context.GetInt64("length")];
                context.Console.Out.WriteLine($"{provider.Kind} keeps {loaded.Filter(frame)} bytes");
                return Task.FromResult(0);
            },
        };
        filter.Arguments.Add(new PluginArgument("spec", "The filter to load."));
        filter.Arguments.Add(new PluginArgument("length", "Frame length."));
        var root = new PluginCommand(id.Replace("lib-user-", "lib-", StringComparison.Ordinal), "Test plugin using Framework.TestLib.");
        root.Subcommands.Add(version);
        root.Subcommands.Add(filter);
        builder.AddCommand(root);
    }
}
