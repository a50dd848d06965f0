using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Perf;
using Framework.Plugins.HwbpX86.Ptrace;
using Framework.Plugins.HwbpX86.Symbols;

namespace Framework.Plugins.HwbpX86.Watching;

/// <summary>Arms a watch with the chosen backend, and turns an address expression into an address.</summary>
public static class BreakpointWatches
{
    /// <summary>Arms the breakpoints on one process with <paramref name="backend"/> (<paramref name="delivery"/>
    /// applies to the perf backend; ptrace always stops the thread at each hit).</summary>
    /// <exception cref="HwbpException">A rule, the process, a permission or the debug registers refused it.</exception>
    public static BreakpointWatch Arm(BreakpointBackendKind backend, IReadOnlyList<WatchRequest> requests, PerfHitDelivery delivery = PerfHitDelivery.Sample) => backend switch
    {
        BreakpointBackendKind.Ptrace => PtraceBreakpointWatch.Arm(requests),
        _ => PerfBreakpointWatch.Arm(requests, delivery),
    };

    /// <summary>Parses <c>sample</c>, <c>count</c> or <c>signal</c>.</summary>
    public static bool TryParseDelivery(string? text, out PerfHitDelivery delivery)
    {
        PerfHitDelivery? parsed = text?.Trim().ToLowerInvariant() switch
        {
            null or "" or "sample" => PerfHitDelivery.Sample,
            "count" => PerfHitDelivery.Count,
            "signal" => PerfHitDelivery.Signal,
            _ => null,
        };
        delivery = parsed ?? PerfHitDelivery.Sample;
        return parsed is not null;
    }

    /// <summary>Parses <c>perf</c> or <c>ptrace</c>.</summary>
    public static bool TryParseBackend(string? text, out BreakpointBackendKind backend)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "perf":
                backend = BreakpointBackendKind.Perf;
                return true;
            case "ptrace":
                backend = BreakpointBackendKind.Ptrace;
                return true;
            default:
                backend = BreakpointBackendKind.Perf;
                return false;
        }
    }

    /// <summary>An address given as 0x-hex, or a symbol (<c>name</c> or <c>name+offset</c>) of a file
    /// mapped in the process, looked up in its ELF symbol tables.</summary>
    /// <exception cref="HwbpException">EINVAL for a malformed number, ENOENT for an unknown symbol, ESRCH for a missing process.</exception>
    public static ulong ResolveAddress(int pid, string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        if (expression.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return ProcessSymbolResolver.TryParseNumber(expression, out var address)
                ? address
                : throw new HwbpException(Errno.EINVAL, $"--addr {expression}: not a hexadecimal address");
        }

        if (char.IsAsciiDigit(expression[0]))
        {
            throw new HwbpException(Errno.EINVAL, $"--addr {expression}: give an address in hexadecimal with 0x, or a symbol name");
        }

        return ProcessSymbolResolver.Resolve(pid, expression).Address;
    }
}
