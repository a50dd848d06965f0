using Framework.Abstractions.Commands;

namespace Framework.Plugins.HwbpX86.Cli;

/// <summary>The <c>hwbp</c> verb: <c>slots</c>, <c>watch</c> and <c>selftest</c>.</summary>
public static class HwbpCommands
{
    /// <summary>Builds the verb with its sub-commands.</summary>
    public static PluginCommand Create()
    {
        var root = new PluginCommand("hwbp", "x86 hardware breakpoints: slot accounting, watchpoints through perf_event_open or ptrace, self-test.");
        root.Subcommands.Add(SlotsCommand.Create());
        root.Subcommands.Add(WatchCommand.Create());
        root.Subcommands.Add(SelftestCommand.Create());
        return root;
    }
}
