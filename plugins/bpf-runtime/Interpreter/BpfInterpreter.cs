using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Framework.Plugins.BpfRuntime.Helpers;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Framework.Plugins.BpfRuntime.Interpreter;

/// <summary>
/// Runs pre-decoded programs. One instance per thread (see <see cref="Rent"/>), reused across runs
/// so that a run allocates nothing: registers live on the host stack, the program stack is a
/// reused 8 x 512-byte array, and memory is a table of regions addressed as
/// <c>(region index &lt;&lt; 24) | offset</c>. Every load and store is checked against that table,
/// so memory safety does not depend on a verifier.
/// </summary>
internal sealed partial class BpfInterpreter : BpfHelperContext
{
    public const int StackFrameSize = 512;
    public const int MaxFrames = 8;
    public const int MaxTailCalls = 33;
    public const int StackRegion = 1;
    public const int ContextRegion = 2;
    public const int PacketRegion = 3;
    public const int FirstDynamicRegion = 4;
    public const int MaxRegions = 256;
    public const int MaxRegionLength = 1 << 24;

    /// <summary>Dynamic regions found by a scan before the index is consulted.</summary>
    private const int ScannedRegions = 8;

    [ThreadStatic]
    private static BpfInterpreter? t_cached;

    private readonly MemoryRegion[] _regions = new MemoryRegion[MaxRegions];
    private readonly byte[] _stack = new byte[StackFrameSize * MaxFrames];
    private readonly Frame[] _frames = new Frame[MaxFrames];
    private readonly Dictionary<(byte[] Array, int Offset), int> _regionIndex = new();
    private readonly List<(ulong Address, RingBufferMap Map, byte[] Record)> _reservations = new();
    private int _regionCount = FirstDynamicRegion;
    private ulong _stackLowAddress;
    private ulong _stackSpan;
    private bool _busy;
    private BpfProgram? _program;
    private bool _framesUsed;
    private BpfProgram? _pendingTailCall;

    private BpfInterpreter()
    {
        _regions[StackRegion] = new MemoryRegion { Array = _stack, Length = _stack.Length, Writable = true, Kind = MemoryRegionKind.Stack };
    }

    /// <summary>A reusable <c>struct xdp_md</c> for XDP runs on this interpreter.</summary>
    public byte[] XdpContext { get; } = new byte[24];

    /// <summary>A reusable <c>struct __sk_buff</c> for socket-filter runs on this interpreter.</summary>
    public byte[] SkBuffContext { get; } = new byte[192];

    /// <summary>Instructions executed by the last run (across tail calls).</summary>
    public long InstructionsExecuted { get; private set; }

    /// <summary>Tail calls taken in the current run.</summary>
    public int TailCallCount { get; private set; }

    /// <inheritdoc />
    public override BpfProgram Program => _program ?? throw new InvalidOperationException("no program is running");

    /// <inheritdoc />
    public override ILogger Logger => _program?.Runtime?.Logger ?? NullLogger.Instance;

    /// <summary>The address of the context region.</summary>
    public static ulong ContextAddress => (ulong)ContextRegion << 24;

    /// <summary>The address of the packet region.</summary>
    public static ulong PacketAddress => (ulong)PacketRegion << 24;

    /// <summary>Takes this thread's interpreter (or a fresh one when it is busy, for nested runs).</summary>
    public static BpfInterpreter Rent()
    {
        var vm = t_cached;
        if (vm is null || vm._busy)
        {
            vm = new BpfInterpreter();
            t_cached ??= vm;
        }

        // Return leaves the machine reset (regions, tail calls, counters), so there is nothing to
        // clear here.
        vm._busy = true;
        return vm;
    }

    /// <summary>Ends one run and readies the machine for the next run of the same test run: ring
    /// buffer reservations the run left are discarded, the map values and records it was handed are
    /// unmapped, and the counters start again. The context and packet regions stay.</summary>
    public void EndRun()
    {
        if (_reservations.Count > 0)
        {
            DiscardReservations();
        }

        ResetRegions();
    }

    /// <summary>Gives the interpreter back after a run.</summary>
    public void Return()
    {
        if (_reservations.Count > 0)
        {
            DiscardReservations();
        }

        // The caller's memory is let go; the machine's own XDP context stays mapped for the next run.
        if (!ReferenceEquals(_regions[ContextRegion].Array, XdpContext))
        {
            _regions[ContextRegion] = default;
        }

        _regions[PacketRegion] = default;

        // Drop references to map values and records so that an idle thread keeps no map memory alive.
        ResetRegions();
        _program = null;
        if (_framesUsed)
        {
            // Frames name the programs they return into: an idle thread keeps none alive.
            Array.Clear(_frames);
            _framesUsed = false;
        }

        _busy = false;
    }

    /// <summary>Sets one of the fixed regions (context or packet).</summary>
    public void SetRegion(int index, byte[] array, int offset, int length, bool writable, MemoryRegionKind kind)
    {
        if ((uint)length > MaxRegionLength || (uint)offset > (uint)array.Length || length > array.Length - offset)
        {
            throw new BpfException(BpfErrno.E2BIG, $"{kind} region of {length} bytes is larger than the {MaxRegionLength} bytes a region can hold");
        }

        _regions[index] = new MemoryRegion { Array = array, Offset = offset, Length = length, Writable = writable, Kind = kind };
    }

    /// <summary>Maps this machine's <see cref="XdpContext"/> as the (read-only) context region; it
    /// stays mapped between runs, so most runs find it there.</summary>
    public void MapXdpContext()
    {
        if (!ReferenceEquals(_regions[ContextRegion].Array, XdpContext))
        {
            SetRegion(ContextRegion, XdpContext, 0, XdpContext.Length, false, MemoryRegionKind.Context);
        }
    }

    /// <inheritdoc />
    public override ulong MapMemory(byte[] array, int offset, int length, bool writable) =>
        MapMemory(array, offset, length, writable, MemoryRegionKind.HelperBuffer);

    /// <summary>Maps memory with a kind, deduplicating by array and offset.</summary>
    public ulong MapMemory(byte[] array, int offset, int length, bool writable, MemoryRegionKind kind)
    {
        ArgumentNullException.ThrowIfNull(array);

        // Most runs touch a few map values: a scan of those beats hashing; the index serves the rest.
        var scanned = Math.Min(_regionCount, FirstDynamicRegion + ScannedRegions);
        for (var i = FirstDynamicRegion; i < scanned; i++)
        {
            ref var r = ref _regions[i];
            if (ReferenceEquals(r.Array, array) && r.Offset == offset && r.Length == length)
            {
                return (ulong)i << 24;
            }
        }

        if (_regionCount > scanned && _regionIndex.TryGetValue((array, offset), out var existing) && _regions[existing].Length == length)
        {
            return (ulong)existing << 24;
        }

        if (_regionCount >= MaxRegions)
        {
            throw new BpfException(BpfErrno.E2BIG, $"a run may touch at most {MaxRegions - FirstDynamicRegion} distinct map values and records");
        }

        var index = _regionCount++;
        SetRegion(index, array, offset, length, writable, kind);
        if (index >= FirstDynamicRegion + ScannedRegions)
        {
            _regionIndex[(array, offset)] = index;
        }

        return (ulong)index << 24;
    }

    /// <inheritdoc />
    public override Span<byte> GetMemory(ulong address, int length, bool write)
    {
        if (length < 0)
        {
            throw new BpfException(BpfErrno.EINVAL, $"negative size {length}");
        }

        if (length == 0)
        {
            return Span<byte>.Empty;
        }

        var index = address >> 24;
        if (index < MaxRegions)
        {
            ref var r = ref _regions[index];
            var off = (long)(address & 0xFFFFFF);
            if (off >= r.Low && off + length <= r.Length && (!write || r.Writable))
            {
                return r.Array.AsSpan(r.Offset + (int)off, length);
            }
        }

        throw new BpfException(BpfErrno.EFAULT, $"helper {(write ? "write" : "read")} of {length} bytes at 0x{address:x} is outside every region the program may access");
    }

    /// <inheritdoc />
    public override BpfMap GetMap(ulong mapReference)
    {
        var maps = _program?.MapTable ?? [];
        if ((mapReference & ~0xFFFF_FFFFUL) == ProgramTranslator.MapPointerTag && (mapReference & 0xFFFF_FFFF) < (ulong)maps.Length)
        {
            return maps[(int)(mapReference & 0xFFFF_FFFF)];
        }

        throw new BpfException(BpfErrno.EINVAL, $"0x{mapReference:x} is not a map reference of this program");
    }

    /// <summary>Asks for a tail call; the interpreter switches programs when the helper returns.</summary>
    public bool TryTailCall(BpfProgram target)
    {
        if (TailCallCount >= MaxTailCalls)
        {
            return false;
        }

        TailCallCount++;
        _pendingTailCall = target;
        return true;
    }

    /// <summary>Remembers a ring buffer reservation, discarded at the end of the run unless submitted.</summary>
    public ulong Reserve(RingBufferMap map, byte[] record)
    {
        var address = MapMemory(record, 0, record.Length, true, MemoryRegionKind.RingBufferRecord);
        _reservations.Add((address, map, record));
        return address;
    }

    /// <summary>Submits or discards a reservation by its address.</summary>
    public bool Complete(ulong address, bool submit)
    {
        for (var i = 0; i < _reservations.Count; i++)
        {
            if (_reservations[i].Address == address)
            {
                var (_, map, record) = _reservations[i];
                _reservations.RemoveAt(i);
                map.Complete(record, submit);

                // The record may not be touched after submit or discard.
                _regions[address >> 24].Length = 0;
                return true;
            }
        }

        return false;
    }

    private void DiscardReservations()
    {
        foreach (var (_, map, record) in _reservations)
        {
            map.Complete(record, submit: false);
        }

        _reservations.Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ResetRegions()
    {
        // Most runs map no map value or record: then there is nothing to unmap (the index holds
        // entries only for mapped regions).
        if (_regionCount > FirstDynamicRegion)
        {
            UnmapDynamicRegions();
        }

        TailCallCount = 0;
        _pendingTailCall = null;
        InstructionsExecuted = 0;
    }

    private void UnmapDynamicRegions()
    {
        Array.Clear(_regions, FirstDynamicRegion, _regionCount - FirstDynamicRegion);
        _regionCount = FirstDynamicRegion;
        if (_regionIndex.Count > 0)
        {
            _regionIndex.Clear();
        }
    }

    internal ulong LoadMapValueAddress(int mapIndex, long offset, int pc)
    {
        var map = _program!.MapTable[mapIndex];
        var value = map.DirectValue(pc);
        if (offset < 0 || offset >= value.Length)
        {
            throw new BpfException(BpfErrno.EINVAL, $"map value offset {offset} is outside the {value.Length}-byte value", pc);
        }

        return MapMemory(value.Array, value.Offset, value.Length, map.ProgramWritable, MemoryRegionKind.MapValue) + (ulong)offset;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref byte Access(ulong address, uint size, bool write, int pc)
    {
        // Fast path: the current frame and its callers' frames of the stack.
        var fromLow = address - _stackLowAddress;
        if (fromLow <= _stackSpan - size)
        {
            return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_stack), (nint)(address - ((ulong)StackRegion << 24)));
        }

        var index = address >> 24;
        if (index < MaxRegions)
        {
            ref var r = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_regions), (nint)index);
            var off = (uint)address & 0xFFFFFF;
            if (off >= (uint)r.Low && off + size <= (uint)r.Length && (!write || r.Writable))
            {
                return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(r.Array), r.Offset + (int)off);
            }
        }

        ThrowFault(address, size, write, pc);
        return ref Unsafe.NullRef<byte>();
    }

    /// <summary>Makes the main frame current, zeroes its top <paramref name="clearBytes"/> bytes
    /// (the rest the program never touches) and returns its r10.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong PrepareStack(int clearBytes)
    {
        ref var stackRegion = ref _regions[StackRegion];
        stackRegion.Low = StackFrameSize * (MaxFrames - 1);
        SetStackLow(stackRegion.Low);
        if (clearBytes > 0)
        {
            _stack.AsSpan(_stack.Length - clearBytes).Clear();
        }

        return ((ulong)StackRegion << 24) + (StackFrameSize * MaxFrames);
    }

    private void SetStackLow(int low)
    {
        _stackLowAddress = ((ulong)StackRegion << 24) + (ulong)low;
        _stackSpan = (ulong)(_stack.Length - low);
    }

    [DoesNotReturn]
    private void ThrowFault(ulong address, uint size, bool write, int pc)
    {
        var index = address >> 24;
        var kind = index < MaxRegions ? _regions[index].Kind : MemoryRegionKind.None;
        var where = kind == MemoryRegionKind.None
            ? "outside every region"
            : write && !_regions[index].Writable
                ? $"in the read-only {kind} region"
                : $"out of bounds of the {kind} region ({_regions[index].Length} bytes, offset {address & 0xFFFFFF})";
        throw new BpfException(BpfErrno.EFAULT, $"{(write ? "store" : "load")} of {size} bytes at 0x{address:x} {where}", pc);
    }

    internal ref byte Atomic(ulong address, uint size, int pc)
    {
        ref var b = ref Access(address, size, true, pc);
        var index = address >> 24;
        if (((_regions[index].Offset + (long)(address & 0xFFFFFF)) & (size - 1)) != 0)
        {
            throw new BpfException(BpfErrno.EFAULT, $"misaligned {size * 8}-bit atomic operation at 0x{address:x}", pc);
        }

        return ref b;
    }

    private struct Frame
    {
        /// <summary>The program to return into: a tail call made in a subprogram replaces it.</summary>
        public BpfProgram Program;
        public int ReturnPc;
        public ulong R6;
        public ulong R7;
        public ulong R8;
        public ulong R9;
        public ulong R10;
    }

    /// <summary>Runs a program from its first instruction with r1 and r2 set.</summary>
    /// <param name="program">The program.</param>
    /// <param name="r1">The first argument (usually the context address).</param>
    /// <param name="r2">The second argument (the context length for test programs).</param>
    /// <param name="budget">The most instructions to execute, across local and tail calls.</param>
    /// <returns>r0 at exit.</returns>
    /// <exception cref="BpfException">A fault, with the instruction index.</exception>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong Run(BpfProgram program, ulong r1, ulong r2, long budget)
    {
        _program = program;
        Span<ulong> regs = stackalloc ulong[16];
        regs.Clear();
        ref var r0 = ref MemoryMarshal.GetReference(regs);
        Unsafe.Add(ref r0, 1) = r1;
        Unsafe.Add(ref r0, 2) = r2;
        const ulong stackBase = (ulong)StackRegion << 24;
        Unsafe.Add(ref r0, 10) = PrepareStack(program.StackBytesToClear);
        ref var stackRegion = ref _regions[StackRegion];

        var frame = 0;
        var pc = 0;
        var remaining = budget;
        var helpers = program.HelperTable;
        ref var code = ref MemoryMarshal.GetArrayDataReference(program.Code);
        ref var costs = ref MemoryMarshal.GetArrayDataReference(program.StretchCosts);

        // No try/catch here: locals that an exception handler reads live in memory, which would slow
        // every instruction. A faulting run reports no instruction count.
        while (true)
        {
            // Control enters a straight-line stretch at pc: the budget is charged for all of it here,
            // and the instructions up to its end (a jump, call or exit, whose cases break out of the
            // switch to come back here) run unmetered. A stretch that does not fit runs from a copy of
            // the code that stops at the instruction today's budget forbids, so a run that exceeds
            // the budget fails with the same error at the same instruction as with a count per
            // instruction, and one that ends inside the stretch (a fault, a packet load outside the
            // packet) ends as before.
            var cost = Unsafe.Add(ref costs, pc);
            if (remaining < cost)
            {
                code = ref CodeStoppingAtBudget(pc, remaining);
            }

            remaining -= cost;
            while (true)
            {
                ref var s = ref Unsafe.Add(ref code, pc);
                pc++;
                ref var dst = ref Unsafe.Add(ref r0, s.Dst);
                switch (s.Op)
                {
                    case Op.Add64Imm:
                        dst = dst + (ulong)s.Imm;
                        continue;
                    case Op.Add64Reg:
                        dst = dst + Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Sub64Imm:
                        dst = dst - (ulong)s.Imm;
                        continue;
                    case Op.Sub64Reg:
                        dst = dst - Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Mul64Imm:
                        dst = dst * (ulong)s.Imm;
                        continue;
                    case Op.Mul64Reg:
                        dst = dst * Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Div64Imm:
                        { var v = (ulong)s.Imm; dst = v == 0 ? 0 : dst / v; }
                        continue;
                    case Op.Div64Reg:
                        { var v = Unsafe.Add(ref r0, s.Src); dst = v == 0 ? 0 : dst / v; }
                        continue;
                    case Op.SDiv64Imm:
                        { var v = (long)(ulong)s.Imm; dst = v == 0 ? 0 : v == -1 ? (ulong)(-(long)dst) : (ulong)((long)dst / v); }
                        continue;
                    case Op.SDiv64Reg:
                        { var v = (long)Unsafe.Add(ref r0, s.Src); dst = v == 0 ? 0 : v == -1 ? (ulong)(-(long)dst) : (ulong)((long)dst / v); }
                        continue;
                    case Op.Or64Imm:
                        dst |= (ulong)s.Imm;
                        continue;
                    case Op.Or64Reg:
                        dst |= Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.And64Imm:
                        dst &= (ulong)s.Imm;
                        continue;
                    case Op.And64Reg:
                        dst &= Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Lsh64Imm:
                        dst <<= (int)((ulong)s.Imm & 63);
                        continue;
                    case Op.Lsh64Reg:
                        dst <<= (int)(Unsafe.Add(ref r0, s.Src) & 63);
                        continue;
                    case Op.Rsh64Imm:
                        dst >>= (int)((ulong)s.Imm & 63);
                        continue;
                    case Op.Rsh64Reg:
                        dst >>= (int)(Unsafe.Add(ref r0, s.Src) & 63);
                        continue;
                    case Op.Mod64Imm:
                        { var v = (ulong)s.Imm; if (v != 0) { dst %= v; } }
                        continue;
                    case Op.Mod64Reg:
                        { var v = Unsafe.Add(ref r0, s.Src); if (v != 0) { dst %= v; } }
                        continue;
                    case Op.SMod64Imm:
                        { var v = (long)(ulong)s.Imm; if (v != 0) { dst = v == -1 ? 0 : (ulong)((long)dst % v); } }
                        continue;
                    case Op.SMod64Reg:
                        { var v = (long)Unsafe.Add(ref r0, s.Src); if (v != 0) { dst = v == -1 ? 0 : (ulong)((long)dst % v); } }
                        continue;
                    case Op.Xor64Imm:
                        dst ^= (ulong)s.Imm;
                        continue;
                    case Op.Xor64Reg:
                        dst ^= Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Mov64Imm:
                        dst = (ulong)s.Imm;
                        continue;
                    case Op.Mov64Reg:
                        dst = Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Arsh64Imm:
                        dst = (ulong)((long)dst >> (int)((ulong)s.Imm & 63));
                        continue;
                    case Op.Arsh64Reg:
                        dst = (ulong)((long)dst >> (int)(Unsafe.Add(ref r0, s.Src) & 63));
                        continue;
                    case Op.Add32Imm:
                        dst = (uint)dst + (uint)s.Imm;
                        continue;
                    case Op.Add32Reg:
                        dst = (uint)dst + (uint)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Sub32Imm:
                        dst = (uint)dst - (uint)s.Imm;
                        continue;
                    case Op.Sub32Reg:
                        dst = (uint)dst - (uint)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Mul32Imm:
                        dst = (uint)dst * (uint)s.Imm;
                        continue;
                    case Op.Mul32Reg:
                        dst = (uint)dst * (uint)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Div32Imm:
                        { var v = (uint)s.Imm; dst = v == 0 ? 0 : (uint)dst / v; }
                        continue;
                    case Op.Div32Reg:
                        { var v = (uint)Unsafe.Add(ref r0, s.Src); dst = v == 0 ? 0 : (uint)dst / v; }
                        continue;
                    case Op.SDiv32Imm:
                        { var v = (int)(uint)s.Imm; dst = v == 0 ? 0 : v == -1 ? (uint)(-(int)dst) : (uint)((int)dst / v); }
                        continue;
                    case Op.SDiv32Reg:
                        { var v = (int)(uint)Unsafe.Add(ref r0, s.Src); dst = v == 0 ? 0 : v == -1 ? (uint)(-(int)dst) : (uint)((int)dst / v); }
                        continue;
                    case Op.Or32Imm:
                        dst = (uint)dst | (uint)s.Imm;
                        continue;
                    case Op.Or32Reg:
                        dst = (uint)dst | (uint)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.And32Imm:
                        dst = (uint)dst & (uint)s.Imm;
                        continue;
                    case Op.And32Reg:
                        dst = (uint)dst & (uint)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Lsh32Imm:
                        dst = (uint)dst << (int)((uint)s.Imm & 31);
                        continue;
                    case Op.Lsh32Reg:
                        dst = (uint)dst << (int)((uint)Unsafe.Add(ref r0, s.Src) & 31);
                        continue;
                    case Op.Rsh32Imm:
                        dst = (uint)dst >> (int)((uint)s.Imm & 31);
                        continue;
                    case Op.Rsh32Reg:
                        dst = (uint)dst >> (int)((uint)Unsafe.Add(ref r0, s.Src) & 31);
                        continue;
                    case Op.Mod32Imm:
                        { var v = (uint)s.Imm; dst = v == 0 ? (uint)dst : (uint)dst % v; }
                        continue;
                    case Op.Mod32Reg:
                        { var v = (uint)Unsafe.Add(ref r0, s.Src); dst = v == 0 ? (uint)dst : (uint)dst % v; }
                        continue;
                    case Op.SMod32Imm:
                        { var v = (int)(uint)s.Imm; dst = v == 0 ? (uint)dst : v == -1 ? 0 : (uint)((int)dst % v); }
                        continue;
                    case Op.SMod32Reg:
                        { var v = (int)(uint)Unsafe.Add(ref r0, s.Src); dst = v == 0 ? (uint)dst : v == -1 ? 0 : (uint)((int)dst % v); }
                        continue;
                    case Op.Xor32Imm:
                        dst = (uint)dst ^ (uint)s.Imm;
                        continue;
                    case Op.Xor32Reg:
                        dst = (uint)dst ^ (uint)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Mov32Imm:
                        dst = (uint)s.Imm;
                        continue;
                    case Op.Mov32Reg:
                        dst = (uint)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Arsh32Imm:
                        dst = (uint)((int)dst >> (int)((uint)s.Imm & 31));
                        continue;
                    case Op.Arsh32Reg:
                        dst = (uint)((int)dst >> (int)((uint)Unsafe.Add(ref r0, s.Src) & 31));
                        continue;
                    case Op.JEq64Imm:
                        if (dst == (ulong)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JEq64Reg:
                        if (dst == Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JEq32Imm:
                        if ((uint)dst == (uint)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JEq32Reg:
                        if ((uint)dst == (uint)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JGt64Imm:
                        if (dst > (ulong)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JGt64Reg:
                        if (dst > Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JGt32Imm:
                        if ((uint)dst > (uint)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JGt32Reg:
                        if ((uint)dst > (uint)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JGe64Imm:
                        if (dst >= (ulong)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JGe64Reg:
                        if (dst >= Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JGe32Imm:
                        if ((uint)dst >= (uint)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JGe32Reg:
                        if ((uint)dst >= (uint)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSet64Imm:
                        if ((dst & (ulong)s.Imm) != 0)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSet64Reg:
                        if ((dst & Unsafe.Add(ref r0, s.Src)) != 0)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSet32Imm:
                        if (((uint)dst & (uint)s.Imm) != 0)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSet32Reg:
                        if (((uint)dst & (uint)Unsafe.Add(ref r0, s.Src)) != 0)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JNe64Imm:
                        if (dst != (ulong)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JNe64Reg:
                        if (dst != Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JNe32Imm:
                        if ((uint)dst != (uint)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JNe32Reg:
                        if ((uint)dst != (uint)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSgt64Imm:
                        if ((long)dst > s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSgt64Reg:
                        if ((long)dst > (long)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSgt32Imm:
                        if ((int)dst > (int)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSgt32Reg:
                        if ((int)dst > (int)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSge64Imm:
                        if ((long)dst >= s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSge64Reg:
                        if ((long)dst >= (long)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSge32Imm:
                        if ((int)dst >= (int)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSge32Reg:
                        if ((int)dst >= (int)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JLt64Imm:
                        if (dst < (ulong)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JLt64Reg:
                        if (dst < Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JLt32Imm:
                        if ((uint)dst < (uint)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JLt32Reg:
                        if ((uint)dst < (uint)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JLe64Imm:
                        if (dst <= (ulong)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JLe64Reg:
                        if (dst <= Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JLe32Imm:
                        if ((uint)dst <= (uint)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JLe32Reg:
                        if ((uint)dst <= (uint)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSlt64Imm:
                        if ((long)dst < s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSlt64Reg:
                        if ((long)dst < (long)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSlt32Imm:
                        if ((int)dst < (int)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSlt32Reg:
                        if ((int)dst < (int)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSle64Imm:
                        if ((long)dst <= s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSle64Reg:
                        if ((long)dst <= (long)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSle32Imm:
                        if ((int)dst <= (int)s.Imm)
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.JSle32Reg:
                        if ((int)dst <= (int)Unsafe.Add(ref r0, s.Src))
                        {
                            pc = s.Off;
                        }

                        break;
                    case Op.Nop:
                        continue;
                    case Op.Neg64:
                        dst = (ulong)-(long)dst;
                        continue;
                    case Op.Neg32:
                        dst = (uint)-(int)dst;
                        continue;
                    case Op.MovSx8To64:
                        dst = (ulong)(sbyte)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.MovSx16To64:
                        dst = (ulong)(short)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.MovSx32To64:
                        dst = (ulong)(int)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.MovSx8To32:
                        dst = (uint)(sbyte)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.MovSx16To32:
                        dst = (uint)(short)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.Le16:
                        dst = (ushort)dst;
                        continue;
                    case Op.Le32:
                        dst = (uint)dst;
                        continue;
                    case Op.Be16:
                    case Op.Bswap16:
                        dst = BinaryPrimitives.ReverseEndianness((ushort)dst);
                        continue;
                    case Op.Be32:
                    case Op.Bswap32:
                        dst = BinaryPrimitives.ReverseEndianness((uint)dst);
                        continue;
                    case Op.Be64:
                    case Op.Bswap64:
                        dst = BinaryPrimitives.ReverseEndianness(dst);
                        continue;
                    case Op.Ja:
                        pc = s.Off;
                        break;
                    case Op.LdImm64:
                        dst = (ulong)s.Imm;
                        pc++;
                        continue;
                    case Op.LdMapPointer:
                        dst = (ulong)s.Imm;
                        pc++;
                        continue;
                    case Op.LdMapValue:
                        dst = LoadMapValueAddress(s.Off, s.Imm, pc - 1);
                        pc++;
                        continue;
                    case Op.LdxB:
                        dst = Access(Unsafe.Add(ref r0, s.Src) + (ulong)s.Off, 1, false, pc - 1);
                        continue;
                    case Op.LdxH:
                        dst = Unsafe.ReadUnaligned<ushort>(ref Access(Unsafe.Add(ref r0, s.Src) + (ulong)s.Off, 2, false, pc - 1));
                        continue;
                    case Op.LdxW:
                        dst = Unsafe.ReadUnaligned<uint>(ref Access(Unsafe.Add(ref r0, s.Src) + (ulong)s.Off, 4, false, pc - 1));
                        continue;
                    case Op.LdxDW:
                        dst = Unsafe.ReadUnaligned<ulong>(ref Access(Unsafe.Add(ref r0, s.Src) + (ulong)s.Off, 8, false, pc - 1));
                        continue;
                    case Op.LdxSB:
                        dst = (ulong)(sbyte)Access(Unsafe.Add(ref r0, s.Src) + (ulong)s.Off, 1, false, pc - 1);
                        continue;
                    case Op.LdxSH:
                        dst = (ulong)Unsafe.ReadUnaligned<short>(ref Access(Unsafe.Add(ref r0, s.Src) + (ulong)s.Off, 2, false, pc - 1));
                        continue;
                    case Op.LdxSW:
                        dst = (ulong)Unsafe.ReadUnaligned<int>(ref Access(Unsafe.Add(ref r0, s.Src) + (ulong)s.Off, 4, false, pc - 1));
                        continue;
                    case Op.StB:
                        Access(dst + (ulong)s.Off, 1, true, pc - 1) = (byte)s.Imm;
                        continue;
                    case Op.StH:
                        Unsafe.WriteUnaligned(ref Access(dst + (ulong)s.Off, 2, true, pc - 1), (ushort)s.Imm);
                        continue;
                    case Op.StW:
                        Unsafe.WriteUnaligned(ref Access(dst + (ulong)s.Off, 4, true, pc - 1), (uint)s.Imm);
                        continue;
                    case Op.StDW:
                        Unsafe.WriteUnaligned(ref Access(dst + (ulong)s.Off, 8, true, pc - 1), (ulong)s.Imm);
                        continue;
                    case Op.StxB:
                        Access(dst + (ulong)s.Off, 1, true, pc - 1) = (byte)Unsafe.Add(ref r0, s.Src);
                        continue;
                    case Op.StxH:
                        Unsafe.WriteUnaligned(ref Access(dst + (ulong)s.Off, 2, true, pc - 1), (ushort)Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.StxW:
                        Unsafe.WriteUnaligned(ref Access(dst + (ulong)s.Off, 4, true, pc - 1), (uint)Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.StxDW:
                        Unsafe.WriteUnaligned(ref Access(dst + (ulong)s.Off, 8, true, pc - 1), Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.CallHelper:
                    case Op.CallX:
                        {
                            var helper = s.Op == Op.CallHelper
                                ? helpers[s.Off]
                                : _program!.ResolveHelperAtRunTime(Unsafe.Add(ref r0, s.Dst), pc - 1);
                            r0 = helper(this, Unsafe.Add(ref r0, 1), Unsafe.Add(ref r0, 2), Unsafe.Add(ref r0, 3), Unsafe.Add(ref r0, 4), Unsafe.Add(ref r0, 5));
                            if (_pendingTailCall is { } next)
                            {
                                _pendingTailCall = null;

                                // The target replaces the caller (the main program, or the subprogram
                                // in this frame, whose caller it then returns to): same context,
                                // same stack frame.
                                InstructionsExecuted += budget - remaining;
                                budget = remaining;
                                _program = next;
                                helpers = next.HelperTable;
                                code = ref MemoryMarshal.GetArrayDataReference(next.Code);
                                costs = ref MemoryMarshal.GetArrayDataReference(next.StretchCosts);
                                pc = 0;
                                Unsafe.Add(ref r0, 1) = r1;
                            }

                            break;
                        }

                    case Op.CallLocal:
                        {
                            if (frame + 1 >= MaxFrames)
                            {
                                throw new BpfException(BpfErrno.E2BIG, $"call stack of {MaxFrames + 1} frames is too deep (at most {MaxFrames})", pc - 1);
                            }

                            ref var f = ref _frames[frame];
                            f.Program = _program!;
                            _framesUsed = true;
                            f.ReturnPc = pc;
                            f.R6 = Unsafe.Add(ref r0, 6);
                            f.R7 = Unsafe.Add(ref r0, 7);
                            f.R8 = Unsafe.Add(ref r0, 8);
                            f.R9 = Unsafe.Add(ref r0, 9);
                            f.R10 = Unsafe.Add(ref r0, 10);
                            frame++;
                            var low = StackFrameSize * (MaxFrames - 1 - frame);
                            stackRegion.Low = low;
                            SetStackLow(low);
                            _stack.AsSpan(low, StackFrameSize).Clear();
                            Unsafe.Add(ref r0, 10) = stackBase + (ulong)(low + StackFrameSize);
                            pc = s.Off;
                            break;
                        }

                    case Op.Exit:
                        if (frame == 0)
                        {
                            InstructionsExecuted += budget - remaining;
                            return r0;
                        }
                        else
                        {
                            frame--;
                            ref var f = ref _frames[frame];
                            if (!ReferenceEquals(f.Program, _program))
                            {
                                _program = f.Program;
                                helpers = f.Program.HelperTable;
                                code = ref MemoryMarshal.GetArrayDataReference(f.Program.Code);
                                costs = ref MemoryMarshal.GetArrayDataReference(f.Program.StretchCosts);
                            }

                            pc = f.ReturnPc;
                            Unsafe.Add(ref r0, 6) = f.R6;
                            Unsafe.Add(ref r0, 7) = f.R7;
                            Unsafe.Add(ref r0, 8) = f.R8;
                            Unsafe.Add(ref r0, 9) = f.R9;
                            Unsafe.Add(ref r0, 10) = f.R10;
                            stackRegion.Low = StackFrameSize * (MaxFrames - 1 - frame);
                            SetStackLow(stackRegion.Low);
                            break;
                        }

                    case Op.AtomicAdd32:
                        Interlocked.Add(ref Unsafe.As<byte, int>(ref Atomic(dst + (ulong)s.Off, 4, pc - 1)), (int)Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.AtomicOr32:
                        Interlocked.Or(ref Unsafe.As<byte, int>(ref Atomic(dst + (ulong)s.Off, 4, pc - 1)), (int)Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.AtomicAnd32:
                        Interlocked.And(ref Unsafe.As<byte, int>(ref Atomic(dst + (ulong)s.Off, 4, pc - 1)), (int)Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.AtomicXor32:
                        AtomicXor32(ref Atomic(dst + (ulong)s.Off, 4, pc - 1), (uint)Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.AtomicFetchAdd32:
                        {
                            ref var src = ref Unsafe.Add(ref r0, s.Src);
                            src = (uint)(Interlocked.Add(ref Unsafe.As<byte, int>(ref Atomic(dst + (ulong)s.Off, 4, pc - 1)), (int)src) - (int)src);
                            continue;
                        }

                    case Op.AtomicFetchOr32:
                        {
                            ref var src = ref Unsafe.Add(ref r0, s.Src);
                            src = (uint)Interlocked.Or(ref Unsafe.As<byte, int>(ref Atomic(dst + (ulong)s.Off, 4, pc - 1)), (int)src);
                            continue;
                        }

                    case Op.AtomicFetchAnd32:
                        {
                            ref var src = ref Unsafe.Add(ref r0, s.Src);
                            src = (uint)Interlocked.And(ref Unsafe.As<byte, int>(ref Atomic(dst + (ulong)s.Off, 4, pc - 1)), (int)src);
                            continue;
                        }

                    case Op.AtomicFetchXor32:
                        {
                            ref var src = ref Unsafe.Add(ref r0, s.Src);
                            src = AtomicXor32(ref Atomic(dst + (ulong)s.Off, 4, pc - 1), (uint)src);
                            continue;
                        }

                    case Op.AtomicXchg32:
                        {
                            ref var src = ref Unsafe.Add(ref r0, s.Src);
                            src = (uint)Interlocked.Exchange(ref Unsafe.As<byte, int>(ref Atomic(dst + (ulong)s.Off, 4, pc - 1)), (int)src);
                            continue;
                        }

                    case Op.AtomicCmpXchg32:
                        r0 = Jit.JitOps.CmpXchg32(ref Atomic(dst + (ulong)s.Off, 4, pc - 1), Unsafe.Add(ref r0, s.Src), r0);
                        continue;
                    case Op.AtomicAdd64:
                        Interlocked.Add(ref Unsafe.As<byte, long>(ref Atomic(dst + (ulong)s.Off, 8, pc - 1)), (long)Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.AtomicOr64:
                        Interlocked.Or(ref Unsafe.As<byte, long>(ref Atomic(dst + (ulong)s.Off, 8, pc - 1)), (long)Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.AtomicAnd64:
                        Interlocked.And(ref Unsafe.As<byte, long>(ref Atomic(dst + (ulong)s.Off, 8, pc - 1)), (long)Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.AtomicXor64:
                        AtomicXor64(ref Atomic(dst + (ulong)s.Off, 8, pc - 1), Unsafe.Add(ref r0, s.Src));
                        continue;
                    case Op.AtomicFetchAdd64:
                        {
                            ref var src = ref Unsafe.Add(ref r0, s.Src);
                            src = (ulong)(Interlocked.Add(ref Unsafe.As<byte, long>(ref Atomic(dst + (ulong)s.Off, 8, pc - 1)), (long)src) - (long)src);
                            continue;
                        }

                    case Op.AtomicFetchOr64:
                        {
                            ref var src = ref Unsafe.Add(ref r0, s.Src);
                            src = (ulong)Interlocked.Or(ref Unsafe.As<byte, long>(ref Atomic(dst + (ulong)s.Off, 8, pc - 1)), (long)src);
                            continue;
                        }

                    case Op.AtomicFetchAnd64:
                        {
                            ref var src = ref Unsafe.Add(ref r0, s.Src);
                            src = (ulong)Interlocked.And(ref Unsafe.As<byte, long>(ref Atomic(dst + (ulong)s.Off, 8, pc - 1)), (long)src);
                            continue;
                        }

                    case Op.AtomicFetchXor64:
                        {
                            ref var src = ref Unsafe.Add(ref r0, s.Src);
                            src = AtomicXor64(ref Atomic(dst + (ulong)s.Off, 8, pc - 1), src);
                            continue;
                        }

                    case Op.AtomicXchg64:
                        {
                            ref var src = ref Unsafe.Add(ref r0, s.Src);
                            src = (ulong)Interlocked.Exchange(ref Unsafe.As<byte, long>(ref Atomic(dst + (ulong)s.Off, 8, pc - 1)), (long)src);
                            continue;
                        }

                    case Op.AtomicCmpXchg64:
                        r0 = (ulong)Interlocked.CompareExchange(ref Unsafe.As<byte, long>(ref Atomic(dst + (ulong)s.Off, 8, pc - 1)), (long)Unsafe.Add(ref r0, s.Src), (long)r0);
                        continue;
                    case Op.LdAbsB:
                    case Op.LdAbsH:
                    case Op.LdAbsW:
                    case Op.LdIndB:
                    case Op.LdIndH:
                    case Op.LdIndW:
                        {
                            // Legacy packet access: network byte order into r0; outside the packet the
                            // program ends with r0 = 0, as in the kernel.
                            var isInd = s.Op >= Op.LdIndB;
                            var size = (s.Op - (isInd ? Op.LdIndB : Op.LdAbsB)) switch { 0 => 1, 1 => 2, _ => 4 };
                            var offset = (long)(int)s.Imm + (isInd ? (long)(int)Unsafe.Add(ref r0, s.Src) : 0);
                            ref var packet = ref _regions[PacketRegion];
                            if (offset < 0 || offset + size > packet.Length)
                            {
                                // The rest of the stretch was charged but does not run.
                                remaining += Unsafe.Add(ref costs, pc);
                                InstructionsExecuted += budget - remaining;
                                return 0;
                            }

                            var bytes = packet.Array.AsSpan(packet.Offset + (int)offset, size);
                            r0 = size switch
                            {
                                1 => bytes[0],
                                2 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
                                _ => BinaryPrimitives.ReadUInt32BigEndian(bytes),
                            };
                            continue;
                        }

                    case Op.BudgetExhausted:
                        throw new BpfException(BpfErrno.ELOOP, $"instruction budget of {budget} exhausted", pc - 1);
                    default:
                        throw new BpfException(BpfErrno.EINVAL, pc - 1 >= program.Code.Length - 1 && _program == program
                            ? "execution ran past the last instruction"
                            : "execution reached the second half of a 64-bit immediate load or the end of the program", pc - 1);
                }

                // A jump, call or return: charge the stretch it enters.
                break;
            }
        }
    }

    /// <summary>A copy of the running program's code in which the instruction that would exceed
    /// the budget, in the stretch entered at <paramref name="pc"/>, stops the run (only the run
    /// that exhausts its budget pays for the copy; programs are shared between threads).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref Slot CodeStoppingAtBudget(int pc, long remaining)
    {
        var copy = (Slot[])_program!.Code.Clone();
        copy[StretchCosts.ExhaustingSlot(copy, pc, remaining)].Op = Op.BudgetExhausted;
        return ref MemoryMarshal.GetArrayDataReference(copy);
    }

    internal static uint AtomicXor32(ref byte location, uint value)
    {
        ref var cell = ref Unsafe.As<byte, int>(ref location);
        int old;
        do
        {
            old = Volatile.Read(ref cell);
        }
        while (Interlocked.CompareExchange(ref cell, old ^ (int)value, old) != old);
        return (uint)old;
    }

    internal static ulong AtomicXor64(ref byte location, ulong value)
    {
        ref var cell = ref Unsafe.As<byte, long>(ref location);
        long old;
        do
        {
            old = Volatile.Read(ref cell);
        }
        while (Interlocked.CompareExchange(ref cell, old ^ (long)value, old) != old);
        return (ulong)old;
    }
}
