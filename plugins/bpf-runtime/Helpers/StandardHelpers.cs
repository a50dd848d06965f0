using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Framework.Plugins.BpfRuntime.Interpreter;
using Framework.Plugins.BpfRuntime.Maps;
using Microsoft.Extensions.Logging;
using static Framework.Plugins.BpfRuntime.Helpers.BpfHelperArgument;

namespace Framework.Plugins.BpfRuntime.Helpers;

/// <summary>The standard helpers, written from their documented behaviour (bpf-helpers(7)).</summary>
internal static class StandardHelpers
{
    public const int MapLookupElem = 1;
    public const int MapUpdateElem = 2;
    public const int MapDeleteElem = 3;
    public const int KtimeGetNs = 5;
    public const int TracePrintk = 6;
    public const int GetPrandomU32 = 7;
    public const int GetSmpProcessorId = 8;
    public const int TailCall = 12;
    public const int RingbufOutput = 130;
    public const int RingbufReserve = 131;
    public const int RingbufSubmit = 132;
    public const int RingbufDiscard = 133;

    private static readonly Action<ILogger, string, string, Exception?> s_trace =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(1, "bpf_trace_printk"), "bpf_trace_printk [{Program}]: {Message}");

    public static void RegisterAll(BpfHelperRegistry registry)
    {
        registry.Register(new(MapLookupElem, "map_lookup_elem", [ConstMapPointer, PointerToMapKey]), Lookup);
        registry.Register(new(MapUpdateElem, "map_update_elem", [ConstMapPointer, PointerToMapKey, PointerToMapValue, Anything]), Update);
        registry.Register(new(MapDeleteElem, "map_delete_elem", [ConstMapPointer, PointerToMapKey]), Delete);
        registry.Register(new(KtimeGetNs, "ktime_get_ns", []), (_, _, _, _, _, _) => (ulong)Stopwatch.GetTimestamp() * (1_000_000_000UL / (ulong)Stopwatch.Frequency));
        registry.Register(new(TracePrintk, "trace_printk", [PointerToMemory, ConstSize, Anything, Anything, Anything], GplOnly: true), Trace);
        registry.Register(new(GetPrandomU32, "get_prandom_u32", []), (_, _, _, _, _, _) => (uint)Random.Shared.NextInt64(0, 1L << 32));
        registry.Register(new(GetSmpProcessorId, "get_smp_processor_id", []), (_, _, _, _, _, _) => (ulong)BpfMap.CurrentCpu);
        registry.Register(new(TailCall, "tail_call", [PointerToContext, ConstMapPointer, Anything]), Tail);
        registry.Register(new(RingbufOutput, "ringbuf_output", [ConstMapPointer, PointerToMemory, ConstSize, Anything]), Output);
        registry.Register(new(RingbufReserve, "ringbuf_reserve", [ConstMapPointer, Anything, Anything]), Reserve);
        registry.Register(new(RingbufSubmit, "ringbuf_submit", [PointerToRingBufferRecord, Anything]), (c, r1, _, _, _, _) => Complete(c, r1, submit: true));
        registry.Register(new(RingbufDiscard, "ringbuf_discard", [PointerToRingBufferRecord, Anything]), (c, r1, _, _, _, _) => Complete(c, r1, submit: false));
    }

    private static ulong Errno(BpfErrno errno) => (ulong)-(long)errno;

    private static ulong Errno(int errno) => (ulong)-(long)errno;

    // The map helpers run on every packet of a map-heavy program: through the sealed machine type
    // their calls into it are direct (and may be inlined) instead of virtual.
    private static ulong Lookup(BpfHelperContext c, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var vm = (BpfInterpreter)c;
        var map = vm.GetMap(r1);
        var key = vm.GetMemory(r2, map.KeySize, write: false);
        map.System?.Telemetry.MapOperation(map, "lookup");
        if (!map.TryLookupElement(key, out var value))
        {
            return 0;
        }

        return vm.MapMemory(value.Array, value.Offset, value.Length, map.ProgramWritable, MemoryRegionKind.MapValue);
    }

    private static ulong Update(BpfHelperContext c, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var vm = (BpfInterpreter)c;
        var map = vm.GetMap(r1);
        var key = vm.GetMemory(r2, map.KeySize, write: false);
        var value = vm.GetMemory(r3, map.ValueSize, write: false);
        map.System?.Telemetry.MapOperation(map, "update");
        if (!map.ProgramWritable)
        {
            // BPF_F_RDONLY_PROG: the kernel's verifier refuses such a program; here the call fails.
            return Errno(BpfErrno.EPERM);
        }

        var error = map.UpdateElement(key, value, r4);
        return error == 0 ? 0 : Errno(error);
    }

    private static ulong Delete(BpfHelperContext c, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var vm = (BpfInterpreter)c;
        var map = vm.GetMap(r1);
        var key = vm.GetMemory(r2, map.KeySize, write: false);
        map.System?.Telemetry.MapOperation(map, "delete");
        if (!map.ProgramWritable)
        {
            return Errno(BpfErrno.EPERM);
        }

        var error = map.DeleteElement(key);
        return error == 0 ? 0 : Errno(error);
    }

    private static ulong Tail(BpfHelperContext c, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (c.GetMap(r2) is not ProgramArrayMap array)
        {
            return Errno(BpfErrno.EINVAL);
        }

        // On success the program does not continue; on failure it goes on with the next instruction.
        var target = array.Get((uint)r3);
        if (target is null)
        {
            return Errno(BpfErrno.ENOENT);
        }

        return ((BpfInterpreter)c).TryTailCall(target) ? 0 : Errno(BpfErrno.E2BIG);
    }

    private static ulong Output(BpfHelperContext c, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (c.GetMap(r1) is not RingBufferMap ring)
        {
            return Errno(BpfErrno.EINVAL);
        }

        if (r3 > int.MaxValue)
        {
            return Errno(BpfErrno.EINVAL);
        }

        var data = c.GetMemory(r2, (int)r3, write: false);
        var error = ring.Output(data);
        return error == 0 ? 0 : Errno(error);
    }

    private static ulong Reserve(BpfHelperContext c, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (c.GetMap(r1) is not RingBufferMap ring || r2 > int.MaxValue || r3 != 0)
        {
            return 0;
        }

        var record = ring.Reserve((int)r2);
        return record is null ? 0 : ((BpfInterpreter)c).Reserve(ring, record);
    }

    private static ulong Complete(BpfHelperContext c, ulong address, bool submit)
    {
        if (!((BpfInterpreter)c).Complete(address, submit))
        {
            throw new BpfException(BpfErrno.EINVAL, $"ringbuf_{(submit ? "submit" : "discard")} of 0x{address:x}, which is not a reserved record");
        }

        return 0;
    }

    private static ulong Trace(BpfHelperContext c, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (r2 == 0 || r2 > 1024)
        {
            return Errno(BpfErrno.EINVAL);
        }

        var raw = c.GetMemory(r1, (int)r2, write: false);
        var end = raw.IndexOf((byte)0);
        if (end < 0)
        {
            // The format must be NUL-terminated within fmt_size, as the kernel requires.
            return Errno(BpfErrno.EINVAL);
        }

        var message = Format(c, Encoding.ASCII.GetString(raw[..end]), [r3, r4, r5]);
        if (message is null)
        {
            return Errno(BpfErrno.EINVAL);
        }

        s_trace(c.Logger, c.Program.Name, message.TrimEnd('\n'), null);
        return (ulong)Encoding.UTF8.GetByteCount(message);
    }

    /// <summary>Formats the printf subset trace_printk accepts: %d %i %u %x %X %c %s %p %%, with l/ll.</summary>
    private static string? Format(BpfHelperContext c, string format, ulong[] args)
    {
        var output = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                output.Append(format[i]);
                continue;
            }

            if (++i >= format.Length)
            {
                return null;
            }

            if (format[i] == '%')
            {
                output.Append('%');
                continue;
            }

            var longs = 0;
            while (i < format.Length && format[i] == 'l')
            {
                longs++;
                i++;
            }

            if (i >= format.Length || next >= args.Length)
            {
                return null;
            }

            var arg = args[next++];
            var wide = longs > 0;
            switch (format[i])
            {
                case 'd' or 'i':
                    output.Append(wide ? ((long)arg).ToString(CultureInfo.InvariantCulture) : ((int)arg).ToString(CultureInfo.InvariantCulture));
                    break;
                case 'u':
                    output.Append(wide ? arg.ToString(CultureInfo.InvariantCulture) : ((uint)arg).ToString(CultureInfo.InvariantCulture));
                    break;
                case 'x' or 'X':
                    var hex = wide ? arg.ToString(format[i] == 'x' ? "x" : "X", CultureInfo.InvariantCulture) : ((uint)arg).ToString(format[i] == 'x' ? "x" : "X", CultureInfo.InvariantCulture);
                    output.Append(hex);
                    break;
                case 'p':
                    output.Append("0x").Append(arg.ToString("x", CultureInfo.InvariantCulture));
                    break;
                case 'c':
                    output.Append((char)(byte)arg);
                    break;
                case 's':
                    output.Append(ReadString(c, arg));
                    break;
                default:
                    return null;
            }
        }

        return output.ToString();
    }

    private static string ReadString(BpfHelperContext c, ulong address)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 256; i++)
        {
            var b = c.GetMemory(address + (ulong)i, 1, write: false)[0];
            if (b == 0)
            {
                break;
            }

            text.Append((char)b);
        }

        return text.ToString();
    }
}
