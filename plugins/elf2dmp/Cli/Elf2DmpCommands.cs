using Framework.Abstractions.Commands;

namespace Framework.Plugins.Elf2Dmp.Cli;

/// <summary>The <c>elf2dmp</c> verb and its sub-commands.</summary>
public static class Elf2DmpCommands
{
    /// <summary>Builds <c>elf2dmp convert</c> and <c>elf2dmp inspect</c>.</summary>
    public static PluginCommand Create()
    {
        var verb = new PluginCommand("elf2dmp", "Convert QEMU ELF dumps of Windows guests into Windows kernel crash dumps, and inspect them.");
        verb.Subcommands.Add(ConvertCommand.Create());
        verb.Subcommands.Add(InspectCommand.Create());
        return verb;
    }
}
