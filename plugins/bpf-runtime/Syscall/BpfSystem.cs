using System.Diagnostics;
using Framework.Plugins.BpfRuntime.Helpers;
using Framework.Plugins.BpfRuntime.Interpreter;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Telemetry;
using Framework.Plugins.BpfRuntime.Verifier;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Framework.Plugins.BpfRuntime.Syscall;

/// <summary>
/// A userspace eBPF system with the object model of the kernel's bpf(2) (kernel/bpf/syscall.c):
/// map creation with per-type attribute checks and a memlock charge, program load with
/// instruction limits, license and GPL-only helpers, kprobe version check and the unprivileged
/// policy, descriptor-like handles with reference counts, and a pin namespace (optionally backed
/// by a folder so that pinned maps outlive the process). All members are thread-safe. Disposing it
/// closes every handle and unpins everything.
/// </summary>
public sealed class BpfSystem : IDisposable
{
    /// <summary>BPF_MAXINSNS: the instruction limit for unprivileged loads.</summary>
    public const int MaxUnprivilegedInstructions = 4096;

    /// <summary>BPF_COMPLEXITY_LIMIT_INSNS: the instruction limit for privileged loads.</summary>
    public const int MaxInstructions = 1_000_000;

    private static readonly string[] s_gplCompatible =
        ["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"];

    private readonly Lock _lock = new();
    private readonly Dictionary<int, BpfHandle> _fds = new();
    private readonly Dictionary<string, BpfObject> _pins = new(StringComparer.Ordinal);
    private long _memlockUsed;
    private bool _disposed;

    /// <summary>Creates a system.</summary>
    /// <param name="options">Limits and policy; defaults when null.</param>
    /// <param name="logger">Where trace_printk and the system log; none when null.</param>
    /// <param name="telemetry">Instruments; none when null.</param>
    public BpfSystem(BpfSystemOptions? options = null, ILogger? logger = null, BpfTelemetry? telemetry = null)
    {
        Options = options ?? new BpfSystemOptions();
        Logger = logger ?? NullLogger.Instance;
        Telemetry = telemetry ?? BpfTelemetry.None;
    }

    /// <summary>The settings.</summary>
    public BpfSystemOptions Options { get; }

    /// <summary>Where trace_printk writes.</summary>
    public ILogger Logger { get; }

    /// <summary>The instruments.</summary>
    public BpfTelemetry Telemetry { get; }

    /// <summary>The helpers programs loaded from now on may call; register more here.</summary>
    public BpfHelperRegistry Helpers { get; } = new();

    /// <summary>The map types this system can create.</summary>
    public BpfMapTypeRegistry MapTypes { get; } = new();

    /// <summary>Bytes charged against <see cref="BpfSystemOptions.MemlockLimit"/>.</summary>
    public long MemlockUsed => Interlocked.Read(ref _memlockUsed);

    /// <summary>The version code of the running kernel, KERNEL_VERSION(major, minor, patch).</summary>
    public static uint RunningKernelVersion
    {
        get
        {
            var v = Environment.OSVersion.Version;
            return (uint)((Math.Max(v.Major, 0) << 16) + (Math.Max(v.Minor, 0) << 8) + Math.Clamp(v.Build, 0, 255));
        }
    }

    /// <summary>The paths currently pinned.</summary>
    public IReadOnlyList<string> PinnedPaths
    {
        get
        {
            lock (_lock)
            {
                return _pins.Keys.Order(StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>BPF_MAP_CREATE.</summary>
    /// <param name="definition">The attributes.</param>
    /// <param name="privileged">Whether the caller has CAP_BPF.</param>
    /// <exception cref="BpfException">EINVAL/E2BIG/ENOTSUPP for attributes (naming the field), EPERM for
    /// policy or an exhausted memlock budget.</exception>
    public BpfMapHandle CreateMap(BpfMapDefinition definition, bool privileged = true)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ThrowIfDisposed();
        if (!privileged && Options.UnprivilegedBpfDisabled != 0)
        {
            throw new BpfException(BpfErrno.EPERM, $"unprivileged bpf is disabled (kernel.unprivileged_bpf_disabled={Options.UnprivilegedBpfDisabled})");
        }

        ValidateName(definition.Name, "map_name");
        const BpfMapFlags access = BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly;
        const BpfMapFlags programAccess = BpfMapFlags.ReadOnlyProgram | BpfMapFlags.WriteOnlyProgram;
        if ((definition.Flags & access) == access || (definition.Flags & programAccess) == programAccess)
        {
            throw new BpfException(BpfErrno.EINVAL, "read-only and write-only flags together", -1, "map_flags");
        }

        var type = MapTypes.Get(definition.Type);
        type.Validate(definition);
        var cost = type.MemoryCost(definition);
        Charge(cost);
        BpfMap map;
        try
        {
            map = type.Create(this, definition, cost);
        }
        catch (OutOfMemoryException e)
        {
            Uncharge(cost);
            throw new BpfException(BpfErrno.ENOMEM, $"cannot allocate map of {cost} bytes", e);
        }

        // The creator's reference becomes the handle's.
        var handle = new BpfMapHandle(this, map);
        return handle;
    }

    /// <summary>BPF_PROG_LOAD: checks policy, limits, license and kernel version, validates and
    /// translates the instructions, resolves helpers and map references.</summary>
    /// <exception cref="BpfException">The reason, with the instruction index where one applies; the
    /// failure is also recorded as an event on the <c>bpf.prog_load</c> span.</exception>
    public BpfProgramHandle LoadProgram(BpfProgramLoadAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ThrowIfDisposed();
        using var activity = Telemetry.StartLoad(attributes.Name ?? string.Empty, attributes.Type);
        try
        {
            var handle = Load(attributes);
            activity?.SetTag("bpf.program.id", handle.Program.Id);
            return handle;
        }
        catch (BpfException e)
        {
            BpfTelemetry.LoadFailed(activity, e);
            Logger.LogWarning("bpf program load failed: {Error}", e.Message);
            throw;
        }
    }

    /// <summary>BPF_OBJ_PIN: makes the object reachable by path; the pin holds a reference.</summary>
    /// <exception cref="BpfException">EEXIST when the path is taken, EINVAL for a bad path.</exception>
    public void Pin(string path, BpfHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        path = NormalizePath(path);
        lock (_lock)
        {
            if (_pins.ContainsKey(path) || (PinFile(path) is { } file && File.Exists(file)))
            {
                throw new BpfException(BpfErrno.EEXIST, $"'{path}' is already pinned", -1, "pathname");
            }

            handle.Target.AddReference();
            handle.Target.AddUserReference();
            _pins[path] = handle.Target;
        }

        WritePin(path, handle.Target);
    }

    /// <summary>BPF_OBJ_GET: a new handle on a pinned object (loaded from the pin folder if needed).</summary>
    /// <exception cref="BpfException">ENOENT when nothing is pinned there.</exception>
    public BpfHandle GetPinned(string path)
    {
        path = NormalizePath(path);
        BpfObject? target;
        lock (_lock)
        {
            _pins.TryGetValue(path, out target);
        }

        target ??= LoadPin(path) ?? throw new BpfException(BpfErrno.ENOENT, $"nothing is pinned at '{path}'", -1, "pathname");
        target.AddReference();
        return target switch
        {
            BpfMap map => new BpfMapHandle(this, map),
            BpfProgram program => new BpfProgramHandle(this, program),
            _ => throw new BpfException(BpfErrno.EINVAL, $"'{path}' holds an unknown object"),
        };
    }

    /// <summary>Removes a pin (unlink in bpffs), dropping its reference.</summary>
    /// <exception cref="BpfException">ENOENT when nothing is pinned there.</exception>
    public void Unpin(string path)
    {
        path = NormalizePath(path);
        BpfObject? target;
        lock (_lock)
        {
            if (_pins.Remove(path, out target))
            {
                DeletePinFile(path);
            }
            else if (PinFile(path) is { } file && File.Exists(file))
            {
                File.Delete(file);
                return;
            }
            else
            {
                throw new BpfException(BpfErrno.ENOENT, $"nothing is pinned at '{path}'", -1, "pathname");
            }
        }

        target.ReleaseUserReference();
        target.Release();
    }

    /// <summary>Writes the current contents of pinned maps to the pin folder (when one is set).</summary>
    public void SyncPins()
    {
        KeyValuePair<string, BpfObject>[] pins;
        lock (_lock)
        {
            pins = [.. _pins];
        }

        foreach (var (path, target) in pins)
        {
            WritePin(path, target);
        }
    }

    /// <summary>The open handle with a descriptor number, or null.</summary>
    public BpfHandle? GetHandle(int fd)
    {
        lock (_lock)
        {
            return _fds.GetValueOrDefault(fd);
        }
    }

    /// <summary>Closes every handle and drops every pin (after writing pinned maps to the pin folder).</summary>
    public void Dispose()
    {
        BpfHandle[] handles;
        KeyValuePair<string, BpfObject>[] pins;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            handles = [.. _fds.Values];
            pins = [.. _pins];
            _pins.Clear();
        }

        foreach (var (path, target) in pins)
        {
            WritePin(path, target);
            target.ReleaseUserReference();
            target.Release();
        }

        foreach (var handle in handles)
        {
            handle.Dispose();
        }
    }

    internal int AllocateFd(BpfHandle handle)
    {
        lock (_lock)
        {
            var fd = 3;
            while (_fds.ContainsKey(fd))
            {
                fd++;
            }

            _fds[fd] = handle;
            return fd;
        }
    }

    internal void FreeFd(int fd)
    {
        lock (_lock)
        {
            _fds.Remove(fd);
        }
    }

    internal void OnObjectFreed(BpfObject target) => Uncharge(target.MemlockCharge);

    private BpfProgramHandle Load(BpfProgramLoadAttributes a)
    {
        if (!a.Privileged)
        {
            if (Options.UnprivilegedBpfDisabled != 0)
            {
                throw new BpfException(BpfErrno.EPERM, $"unprivileged bpf is disabled (kernel.unprivileged_bpf_disabled={Options.UnprivilegedBpfDisabled})");
            }

            if (a.Type != BpfProgramType.SocketFilter)
            {
                throw new BpfException(BpfErrno.EPERM, $"unprivileged callers may load socket filters only, not {a.Type}", -1, "prog_type");
            }
        }

        if (!Enum.IsDefined(a.Type))
        {
            throw new BpfException(BpfErrno.EINVAL, $"unknown program type {(int)a.Type}", -1, "prog_type");
        }

        ValidateName(a.Name, "prog_name");
        var count = a.Instructions.Count;
        var limit = a.Privileged ? MaxInstructions : MaxUnprivilegedInstructions;
        if (count == 0)
        {
            throw new BpfException(BpfErrno.EINVAL, "no instructions", -1, "insn_cnt");
        }

        if (count > limit)
        {
            throw new BpfException(BpfErrno.E2BIG, $"{count} instructions exceed the limit of {limit}", -1, "insn_cnt");
        }

        var gpl = s_gplCompatible.Contains(a.License, StringComparer.Ordinal);
        if (a.Type == BpfProgramType.Kprobe)
        {
            var expected = Options.KernelVersion != 0 ? Options.KernelVersion : RunningKernelVersion;
            if (a.KernelVersion != expected)
            {
                throw new BpfException(BpfErrno.EINVAL, $"kprobe program built for kernel version 0x{a.KernelVersion:x}, running 0x{expected:x}", -1, "kern_version");
            }
        }

        var instructions = a.Instructions.ToArray();
        BpfDecoder.Validate(instructions);

        var helpers = new List<BpfHelperFunction>();
        var helperIndex = new Dictionary<int, int>();
        var maps = new List<BpfMap>();
        var mapIndex = new Dictionary<BpfMap, int>(ReferenceEqualityComparer.Instance);
        var mapsByInstruction = new Dictionary<int, VerifierMap>();
        Slot[] code;
        BpfVerifierResult? verification = null;
        try
        {
            code = ProgramTranslator.Translate(
                instructions,
                (id, insn) =>
                {
                    if (helperIndex.TryGetValue(id, out var existing))
                    {
                        return existing;
                    }

                    if (!Helpers.TryGet(id, out var helper))
                    {
                        throw new BpfException(BpfErrno.EINVAL, $"invalid func unknown#{id}", insn);
                    }

                    if (helper.Prototype.GplOnly && !gpl)
                    {
                        throw new BpfException(BpfErrno.EINVAL, $"cannot call GPL-restricted function {helper.Prototype.Name}#{id} from non-GPL compatible program (license '{a.License}')", insn);
                    }

                    helpers.Add(helper.Function);
                    helperIndex[id] = helpers.Count - 1;
                    return helpers.Count - 1;
                },
                (src, imm, insn) =>
                {
                    var byIndex = src is BpfOpcode.PseudoMapIdx or BpfOpcode.PseudoMapIdxValue;
                    int fd;
                    if (byIndex)
                    {
                        if (imm < 0 || imm >= a.MapDescriptors.Count)
                        {
                            throw new BpfException(BpfErrno.EINVAL, $"map index {imm} is outside fd_array of {a.MapDescriptors.Count}", insn);
                        }

                        fd = a.MapDescriptors[imm];
                    }
                    else
                    {
                        fd = imm;
                    }

                    if (GetHandle(fd) is not BpfMapHandle handle)
                    {
                        throw new BpfException(BpfErrno.EBADF, $"fd {fd} is not a map", insn);
                    }

                    if (!mapIndex.TryGetValue(handle.Map, out var index))
                    {
                        handle.Map.AddReference();
                        maps.Add(handle.Map);
                        index = maps.Count - 1;
                        mapIndex[handle.Map] = index;
                    }

                    var m = handle.Map;
                    mapsByInstruction[insn] = new VerifierMap(index, m.Type, m.KeySize, m.ValueSize, m.ProgramWritable);
                    return index;
                });
            if (a.Verify)
            {
                verification = BpfVerifier.VerifyOrThrow(
                    instructions,
                    new VerifierEnvironment { Type = a.Type, Privileged = a.Privileged, Helpers = Helpers, MapsByInstruction = mapsByInstruction },
                    verboseLog: a.LogLevel > 0);
            }
        }
        catch
        {
            foreach (var map in maps)
            {
                map.Release();
            }

            throw;
        }

        var cost = (count * 16L) + 4096;
        try
        {
            Charge(cost);
        }
        catch
        {
            foreach (var map in maps)
            {
                map.Release();
            }

            throw;
        }

        var program = new BpfProgram(this, a, instructions, code, [.. helpers], [.. maps], gpl, cost) { Verification = verification };
        return new BpfProgramHandle(this, program);
    }

    private void Charge(long cost)
    {
        while (true)
        {
            var used = Interlocked.Read(ref _memlockUsed);
            if (used + cost > Options.MemlockLimit || cost < 0)
            {
                throw new BpfException(BpfErrno.EPERM, $"memlock budget exceeded: {used} bytes in use, {cost} more requested, limit {Options.MemlockLimit}");
            }

            if (Interlocked.CompareExchange(ref _memlockUsed, used + cost, used) == used)
            {
                return;
            }
        }
    }

    private void Uncharge(long cost) => Interlocked.Add(ref _memlockUsed, -cost);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static void ValidateName(string? name, string field)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        if (name.Length > 15 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
        {
            throw new BpfException(BpfErrno.EINVAL, $"name '{name}' must be at most 15 letters, digits, '_' or '.'", -1, field);
        }
    }

    private static string NormalizePath(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new BpfException(BpfErrno.EINVAL, "empty pin path", -1, "pathname");
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p is "." or ".."))
        {
            throw new BpfException(BpfErrno.EINVAL, $"pin path '{path}' may not contain . or ..", -1, "pathname");
        }

        return "/" + string.Join('/', parts);
    }

    private string? PinFile(string path) =>
        Options.PinDirectory is { Length: > 0 } dir ? Path.Combine(dir, path.TrimStart('/') + ".map") : null;

    private void WritePin(string path, BpfObject target)
    {
        if (PinFile(path) is not { } file || target is not (HashMap or ArrayMap) || target.IsFreed)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temp = file + ".tmp";
        using (var stream = File.Create(temp))
        {
            MapSnapshot.Write(stream, (BpfMap)target);
        }

        File.Move(temp, file, overwrite: true);
    }

    private void DeletePinFile(string path)
    {
        if (PinFile(path) is { } file && File.Exists(file))
        {
            File.Delete(file);
        }
    }

    private BpfObject? LoadPin(string path)
    {
        if (PinFile(path) is not { } file || !File.Exists(file))
        {
            return null;
        }

        using var stream = File.OpenRead(file);
        var (definition, entries) = MapSnapshot.Read(stream, file);
        using var handle = CreateMap(definition);
        foreach (var (key, value) in entries)
        {
            if (value.Length == handle.Map.UserValueSize)
            {
                handle.Map.Update(key, value);
            }
        }

        lock (_lock)
        {
            if (_pins.TryGetValue(path, out var raced))
            {
                return raced;
            }

            handle.Map.AddReference();
            handle.Map.AddUserReference();
            _pins[path] = handle.Map;
            return handle.Map;
        }
    }
}
