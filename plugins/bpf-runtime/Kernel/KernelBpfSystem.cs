using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Native;
using Framework.Plugins.BpfRuntime.Programs;

namespace Framework.Plugins.BpfRuntime.Kernel;

/// <summary>
/// The kernel backend: the same operations as <see cref="Syscall.BpfSystem"/> (map create, program
/// load, pin, get-pinned) with the same attribute types, carried out by the running kernel through
/// bpf(2). Map references in programs (<c>lddw map_fd(fd)</c>, src_reg 1 and 2) name kernel
/// descriptors of maps this system opened; <c>map_idx(i)</c> (src_reg 5 and 6) index
/// <see cref="BpfProgramLoadAttributes.MapDescriptors"/>, which hold kernel descriptors too. A load
/// the kernel's verifier refuses fails with <see cref="BpfException.VerifierLog"/> set and the
/// instruction the log names. Thread-safe.
/// </summary>
public sealed partial class KernelBpfSystem : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, KernelMap> _maps = new();

    /// <summary>The number of possible CPUs (the size of per-CPU values), from
    /// /sys/devices/system/cpu/possible.</summary>
    public static int PossibleCpus { get; } = ReadPossibleCpus();

    /// <summary>Null when bpf(2) works for this process, otherwise why not (the missing capability
    /// or kernel feature), found by creating and closing a one-element array map.</summary>
    public static string? Unavailable { get; } = Probe();

    /// <summary>The maps this system created or opened, by descriptor.</summary>
    public IReadOnlyCollection<KernelMap> Maps
    {
        get
        {
            lock (_lock)
            {
                return [.. _maps.Values];
            }
        }
    }

    /// <summary>BPF_MAP_CREATE.</summary>
    /// <exception cref="BpfException">The kernel's error (EINVAL naming the map type for attributes
    /// it refuses, EPERM/ENOSYS naming what is missing).</exception>
    public KernelMap CreateMap(BpfMapDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var fd = BpfSyscall.CreateMap((int)definition.Type, definition.KeySize, definition.ValueSize, definition.MaxEntries, (uint)definition.Flags, definition.Name);
        return Track(new KernelMap(fd, definition));
    }

    /// <summary>BPF_PROG_LOAD: resolves map references to kernel descriptors and loads the program.</summary>
    /// <exception cref="BpfException">EBADF for a map reference this system does not hold (naming the
    /// instruction); EACCES or EINVAL with the verifier's log (and the instruction it names) when
    /// the kernel refuses the program; ENOTSUPP for <see cref="BpfProgramType.Test"/>, which has no
    /// kernel equivalent.</exception>
    public KernelProgram LoadProgram(BpfProgramLoadAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (attributes.Type == BpfProgramType.Test)
        {
            throw new BpfException(BpfErrno.ENOTSUPP, "program type test has no kernel equivalent: load it as xdp or socket-filter", -1, "prog_type");
        }

        var bytes = Relocate(attributes);
        var license = string.IsNullOrEmpty(attributes.License) ? "GPL" : attributes.License;
        var fd = BpfSyscall.LoadProgram((int)attributes.Type, bytes, license, attributes.KernelVersion, attributes.Name, []);
        if (fd >= 0)
        {
            return new KernelProgram(fd, attributes.Type, attributes.Name ?? string.Empty);
        }

        // Load again with the log on: the fast path costs nothing when the program is accepted.
        var log = new byte[16 << 20];
        var retry = BpfSyscall.LoadProgram((int)attributes.Type, bytes, license, attributes.KernelVersion, attributes.Name, log);
        if (retry >= 0)
        {
            return new KernelProgram(retry, attributes.Type, attributes.Name ?? string.Empty);
        }

        var text = Encoding.UTF8.GetString(log, 0, Math.Max(0, Array.IndexOf(log, (byte)0))).TrimEnd();
        throw VerifierError(-fd, text);
    }

    /// <summary>BPF_OBJ_PIN: pins a map or program at <paramref name="path"/>, which must be inside a
    /// mounted bpffs (such as /sys/fs/bpf).</summary>
    public static void Pin(string path, KernelObject target)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(target);
        BpfSyscall.Object(BpfSyscall.ObjPin, path, target.Fd);
    }

    /// <summary>BPF_OBJ_GET of a pinned map, its attributes read back from the kernel.</summary>
    /// <exception cref="BpfException">ENOENT when nothing is pinned there, EINVAL when the pin is not a map.</exception>
    public KernelMap GetPinnedMap(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fd = BpfSyscall.Object(BpfSyscall.ObjGet, path, 0);
        var info = new byte[96];
        try
        {
            BpfSyscall.GetInfo(fd, info);
        }
        catch
        {
            BpfSyscall.Close(fd);
            throw new BpfException(BpfErrno.EINVAL, $"'{path}' is not a map", -1, "pathname");
        }

        int U32(int offset) => BitConverter.ToInt32(info, offset);
        var name = Encoding.ASCII.GetString(info, 24, 16).TrimEnd('\0');
        var definition = new BpfMapDefinition((BpfMapType)U32(0), U32(8), U32(12), U32(16), (BpfMapFlags)U32(20), name);
        return Track(new KernelMap(fd, definition));
    }

    /// <summary>Closes every map this system holds.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var map in _maps.Values)
            {
                map.Dispose();
            }

            _maps.Clear();
        }
    }

    /// <summary>The instruction a verifier log names last (the one being checked when it gave up), or -1.</summary>
    public static int FailingInstruction(string log)
    {
        var index = -1;
        foreach (Match m in InstructionLine().Matches(log))
        {
            index = int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        }

        return index;
    }

    private static BpfException VerifierError(int errno, string log)
    {
        if (log.Length == 0)
        {
            return BpfSyscall.Error(errno, "BPF_PROG_LOAD");
        }

        var lines = log.Split('\n');
        var reason = lines.LastOrDefault(l => l.Length > 0 && !l.StartsWith("processed ", StringComparison.Ordinal) && !InstructionLine().IsMatch(l)) ?? lines[^1];
        var errnoValue = Enum.IsDefined((BpfErrno)errno) ? (BpfErrno)errno : BpfErrno.EINVAL;
        return new BpfException(errnoValue, $"the kernel verifier refused the program: {reason.Trim()}", FailingInstruction(log)) { VerifierLog = log };
    }

    private byte[] Relocate(BpfProgramLoadAttributes a)
    {
        var code = a.Instructions.ToArray();
        for (var i = 0; i < code.Length; i++)
        {
            var insn = code[i];
            if (insn.Opcode != BpfOpcode.LdDw)
            {
                continue;
            }

            int fd;
            byte src;
            switch (insn.Src)
            {
                case BpfOpcode.PseudoMapFd or BpfOpcode.PseudoMapValue:
                    fd = insn.Imm;
                    src = insn.Src;
                    break;
                case BpfOpcode.PseudoMapIdx or BpfOpcode.PseudoMapIdxValue:
                    if (insn.Imm < 0 || insn.Imm >= a.MapDescriptors.Count)
                    {
                        throw new BpfException(BpfErrno.EINVAL, $"map index {insn.Imm} is outside fd_array of {a.MapDescriptors.Count}", i);
                    }

                    fd = a.MapDescriptors[insn.Imm];
                    src = insn.Src == BpfOpcode.PseudoMapIdx ? BpfOpcode.PseudoMapFd : BpfOpcode.PseudoMapValue;
                    break;
                default:
                    i++;
                    continue;
            }

            lock (_lock)
            {
                if (!_maps.TryGetValue(fd, out var map) || map.IsClosed)
                {
                    throw new BpfException(BpfErrno.EBADF, $"fd {fd} is not a kernel map of this system", i);
                }
            }

            code[i] = insn with { Src = src, Imm = fd };
            i++;
        }

        return BpfInstruction.Encode(code);
    }

    private KernelMap Track(KernelMap map)
    {
        lock (_lock)
        {
            foreach (var closed in _maps.Where(m => m.Value.IsClosed).Select(m => m.Key).ToArray())
            {
                _maps.Remove(closed);
            }

            _maps[map.Fd] = map;
        }

        return map;
    }

    private static string? Probe()
    {
        try
        {
            using var map = new KernelMap(BpfSyscall.CreateMap((int)BpfMapType.Array, 4, 4, 1, 0, null), new BpfMapDefinition(BpfMapType.Array, 4, 4, 1));
            return null;
        }
        catch (BpfException e)
        {
            return e.Message;
        }
    }

    private static int ReadPossibleCpus()
    {
        try
        {
            // "0-3" or "0,2-5": the count is the highest index plus one, as libbpf computes it.
            var text = File.ReadAllText("/sys/devices/system/cpu/possible").Trim();
            var last = text.Split(',', '-')[^1];
            return int.Parse(last, CultureInfo.InvariantCulture) + 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return Environment.ProcessorCount;
        }
    }

    [GeneratedRegex(@"^(\d+): ", RegexOptions.Multiline)]
    private static partial Regex InstructionLine();
}
