using Framework.Abstractions.Commands;
using Framework.Plugins.Elf2Dmp.Conversion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.Elf2Dmp.Cli;

/// <summary><c>framework elf2dmp convert &lt;in.elf&gt; &lt;out.dmp&gt;</c>.</summary>
internal static class ConvertCommand
{
    public static PluginCommand Create()
    {
        var command = new PluginCommand("convert", "Convert a QEMU guest-memory ELF dump of a Windows x64 guest into a full kernel crash dump.");
        command.Arguments.Add(new PluginArgument("input", "The ELF dump (virsh dump --memory-only, QEMU dump-guest-memory)."));
        command.Arguments.Add(new PluginArgument("output", "The .dmp file to write (replaced atomically)."));
        command.Options.Add(new PluginOption("--symbol-path", "Symbol path, e.g. srv*~/.cache/symbols*https://msdl.microsoft.com/download/symbols (default: configuration, then _NT_SYMBOL_PATH).", Aliases: "-y"));
        command.Options.Add(new PluginOption("--flush", "Kept for scripts: the dump is always fsync'ed before it is renamed into place.", IsFlag: true));
        command.Handler = RunAsync;
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var input = context.GetExistingFile("input");
        var output = context.GetArgument("output") ?? throw new CommandUsageException($"{context.CommandPath}: output is required.");
        var configured = context.Services.GetService<IOptions<Elf2DmpOptions>>()?.Value.SymbolPath;
        var options = new ConversionOptions { SymbolPath = context.GetOption("--symbol-path") ?? configured, FlushToDisk = context.HasFlag("--flush") };
        using var observer = new ConsoleConversionObserver(context.Console);
        try
        {
            var result = await new DumpConverter().ConvertAsync(input, output, options, observer, cancellationToken);
            context.Console.Out.WriteLine($"Wrote {result.BytesWritten} bytes to {result.OutputPath} in {result.Duration.TotalSeconds:F2} s");
            return 0;
        }
        catch (Elf2DmpException ex)
        {
            context.Console.Error.WriteLine($"elf2dmp: {input}: {ex.Message}");
            return 1;
        }
    }
}
