using System.Globalization;
using System.Text.Json;
using Framework.Abstractions.Commands;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Perf;
using Framework.Plugins.HwbpX86.SelfTest;
using Framework.Plugins.HwbpX86.Slots;
using Framework.Plugins.HwbpX86.Watching;

namespace Framework.Plugins.HwbpX86.Cli;

/// <summary><c>framework hwbp watch --pid P --addr A [--addr B ...] --len N --type w|rw|x [--backend perf|ptrace] [--mode sample|count|signal]</c>:
/// arms the breakpoints and prints hits live until Ctrl+C, --count hits or --duration seconds.</summary>
internal static class WatchCommand
{
    public static PluginCommand Create()
    {
        var command = new PluginCommand("watch", "Watch addresses of a process with hardware breakpoints and print each hit (Ctrl+C stops and detaches).");
        command.Options.Add(new PluginOption("--pid", "The process to watch.", Required: true));
        command.Options.Add(new PluginOption("--addr", "0x-hex address, or a symbol (name or name+offset) from the ELF symbol tables of the files the process maps; give it up to 4 times.", Required: true) { Many = true });
        command.Options.Add(new PluginOption("--len", "1, 2, 4 or 8 bytes (1 for x).", DefaultValue: "8"));
        command.Options.Add(new PluginOption("--type", "w (write), rw (read or write) or x (execute).", DefaultValue: "w"));
        command.Options.Add(new PluginOption("--backend", "perf (perf_event_open, default) or ptrace (DR0-DR7 through PTRACE_POKEUSER).", DefaultValue: "perf"));
        command.Options.Add(new PluginOption("--mode", "How the perf backend delivers hits: sample (mmap ring buffer, default), count (read the counts) or signal (a signal per hit, then read the counts).", DefaultValue: "sample"));
        command.Options.Add(new PluginOption("--count", "Stop after this many hits (at least 1; none: until stopped)."));
        command.Options.Add(new PluginOption("--duration", "Stop after this many seconds (1 to 4000000; 0 or none: until Ctrl+C)."));
        command.Options.Add(new PluginOption("--json", "Print one JSON object per hit.", IsFlag: true));
        command.Handler = RunAsync;
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var pid = (int)Math.Clamp(context.GetInt64("--pid"), int.MinValue, int.MaxValue);
        if (pid <= 0)
        {
            throw new CommandUsageException($"{context.CommandPath}: --pid {pid}: expected a process id");
        }

        var length = context.GetInt64("--len", 8);
        if (length is not (1 or 2 or 4 or 8))
        {
            throw new CommandUsageException($"{context.CommandPath}: --len {length}: x86 watches 1, 2, 4 or 8 bytes");
        }

        var typeText = context.GetOption("--type") ?? "w";
        if (!HwBreakpointTypes.TryParse(typeText, out var type))
        {
            throw new CommandUsageException($"{context.CommandPath}: --type {typeText}: expected w (write), rw (read or write) or x (execute)");
        }

        if (type == HwBreakpointType.Read)
        {
            throw new CommandUsageException($"{context.CommandPath}: --type r: x86 cannot watch reads alone (DR7 has no read-only condition); use --type rw (read-write) instead");
        }

        if (!BreakpointWatches.TryParseBackend(context.GetOption("--backend"), out var backend))
        {
            throw new CommandUsageException($"{context.CommandPath}: --backend {context.GetOption("--backend")}: expected perf or ptrace");
        }

        if (!BreakpointWatches.TryParseDelivery(context.GetOption("--mode"), out var delivery))
        {
            throw new CommandUsageException($"{context.CommandPath}: --mode {context.GetOption("--mode")}: expected sample, count or signal");
        }

        if (delivery != PerfHitDelivery.Sample && backend == BreakpointBackendKind.Ptrace)
        {
            throw new CommandUsageException($"{context.CommandPath}: --mode {context.GetOption("--mode")}: only the perf backend has delivery modes (ptrace stops the thread at every hit)");
        }

        var count = context.GetInt64("--count", 0, 1, long.MaxValue);
        var duration = context.GetDuration("--duration");
        var json = context.HasFlag("--json");
        var requests = new List<WatchRequest>();
        try
        {
            foreach (var expression in context.GetArguments("--addr"))
            {
                var request = new WatchRequest(pid, BreakpointWatches.ResolveAddress(pid, expression), (int)length, type);
                request.Validate();
                requests.Add(request);
            }
        }
        catch (HwbpException e) when (e.Errno == Errno.EINVAL)
        {
            throw new CommandUsageException($"{context.CommandPath}: {e.Message}", e);
        }
        catch (HwbpException e)
        {
            context.Console.Error.WriteLine($"{context.CommandPath}: {e.Message}");
            return 1;
        }

        var selfTest = BreakpointSelfTest.Cached();
        if (selfTest.Armed && !selfTest.Delivered)
        {
            context.Console.Error.WriteLine($"warning: {BreakpointSelfTest.NotDelivered}.");
        }

        BreakpointWatch watch;
        try
        {
            watch = BreakpointWatches.Arm(backend, requests, delivery);
        }
        catch (HwbpException e)
        {
            context.Console.Error.WriteLine($"{context.CommandPath}: {e.Message}");
            return 1;
        }

        await using (watch)
        {
            foreach (var line in watch.Describe())
            {
                context.Console.Error.WriteLine($"armed: {line}");
            }

            context.Console.Error.WriteLine("watching; stop with Ctrl+C");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (duration is { } limit)
            {
                stop.CancelAfter(limit);
            }

            var output = TextWriter.Synchronized(context.Console.Out);
            try
            {
                await watch.RunAsync(hit =>
                {
                    output.WriteLine(json ? Json(hit, type) : Text(hit, type));
                    output.Flush();
                    if (count > 0 && watch.Hits >= count)
                    {
                        stop.Cancel();
                    }
                }, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            catch (HwbpException e)
            {
                context.Console.Error.WriteLine($"{context.CommandPath}: {e.Message}");
                return 1;
            }

            var summary = watch.Summary;
            if (watch.EndReason is { } reason)
            {
                context.Console.Error.WriteLine($"{context.CommandPath}: {reason} while watched; {summary}; nothing left attached.");
                return 1;
            }

            context.Console.Error.WriteLine(selfTest.Armed && !selfTest.Delivered && watch.Hits == 0
                ? $"{summary}: none, because traps are not delivered on this machine."
                : $"{summary}; detached.");
            return 0;
        }
    }

    private static string Text(BreakpointHit hit, HwBreakpointType type) => string.Create(CultureInfo.InvariantCulture,
        $"hit{(hit.DebugRegister >= 0 ? " DR" + hit.DebugRegister.ToString(CultureInfo.InvariantCulture) : string.Empty)} {type.ToShortName()} addr 0x{hit.Address:x} ip 0x{hit.InstructionPointer:x} pid {hit.Pid} tid {hit.Tid}{(hit.Dr6 is { } dr6 ? $" dr6 0x{dr6:x}" : string.Empty)}");

    private static string Json(BreakpointHit hit, HwBreakpointType type) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["type"] = type.ToShortName(),
        ["address"] = string.Create(CultureInfo.InvariantCulture, $"0x{hit.Address:x}"),
        ["ip"] = string.Create(CultureInfo.InvariantCulture, $"0x{hit.InstructionPointer:x}"),
        ["pid"] = hit.Pid,
        ["tid"] = hit.Tid,
        ["dr"] = hit.DebugRegister,
        ["dr6"] = hit.Dr6 is { } dr6 ? string.Create(CultureInfo.InvariantCulture, $"0x{dr6:x}") : null,
    });
}
