using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Framework.Plugins.BpfRuntime.Helpers;
using Framework.Plugins.BpfRuntime.Interpreter;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Jit;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Syscall;
using Framework.Plugins.BpfRuntime.Telemetry;
using Framework.Plugins.BpfRuntime.Verifier;

namespace Framework.Plugins.BpfRuntime.Programs;

/// <summary>
/// A loaded program: validated, translated once into the interpreter's pre-decoded form, with its
/// helpers resolved and references held on the maps it uses (released when it is freed). Running
/// is thread-safe: each thread uses its own interpreter state; the context and packet are copied
/// per run where the program may write them.
/// </summary>
public sealed class BpfProgram : BpfObject
{
    /// <summary>Size of the <c>struct xdp_md</c> context.</summary>
    public const int XdpContextSize = 24;

    /// <summary>Size of the <c>struct __sk_buff</c> context.</summary>
    public const int SkBuffContextSize = 192;

    private readonly Lock _compileLock = new();
    private static readonly long DefaultInstructionBudget = new BpfSystemOptions().InstructionBudget;
    private int _stackBytesToClear = -1;
    private bool? _mayWriteMemory;
    private BpfCompiledProgram? _compiled;
    private volatile bool _compiledMade;

    internal BpfProgram(
        BpfSystem? system,
        BpfProgramLoadAttributes attributes,
        BpfInstruction[] instructions,
        Slot[] code,
        BpfHelperFunction[] helpers,
        BpfMap[] maps,
        bool gplCompatible,
        long charge)
        : base(system, charge)
    {
        Type = attributes.Type;
        Name = string.IsNullOrEmpty(attributes.Name) ? $"prog{Id}" : attributes.Name;
        License = attributes.License;
        IsGplCompatible = gplCompatible;
        Instructions = instructions;
        Code = code;
        StretchCosts = Interpreter.StretchCosts.Compute(code);
        HelperTable = helpers;
        MapTable = maps;
    }

    /// <summary>The program type.</summary>
    public BpfProgramType Type { get; }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The license string it was loaded with.</summary>
    public string License { get; }

    /// <summary>Whether the license is GPL-compatible.</summary>
    public bool IsGplCompatible { get; }

    /// <summary>The instructions as loaded.</summary>
    public IReadOnlyList<BpfInstruction> Instructions { get; }

    /// <summary>The maps the program references.</summary>
    public IReadOnlyList<BpfMap> Maps => MapTable;

    internal BpfSystem? Runtime => System;

    /// <summary>The verifier's verdict at load; null when the program was loaded unverified
    /// (<see cref="BpfProgramLoadAttributes.Verify"/>), and then the JIT checks every access.</summary>
    public BpfVerifierResult? Verification { get; init; }

    internal Slot[] Code { get; }

    /// <summary>The interpreter's budget charge at each instruction of <see cref="Code"/>.</summary>
    internal int[] StretchCosts { get; }

    /// <summary>The bytes at the top of the main stack frame zeroed before each run: as deep as the
    /// verifier saw the program reach, or the whole frame for a program loaded unverified or one that
    /// makes tail calls (whose targets run in the same frame).</summary>
    internal int StackBytesToClear
    {
        [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => _stackBytesToClear >= 0 ? _stackBytesToClear : ComputeStackBytesToClear();
    }

    private int ComputeStackBytesToClear()
    {
        var tailCalls = Code.Any(s => s.Op == Op.CallX || (s.Op == Op.CallHelper && s.Imm == StandardHelpers.TailCall));
        var bytes = Verification?.Proof is { } proof && !tailCalls
            ? Math.Min(BpfInterpreter.StackFrameSize, (proof.MainFrameStackDepth + 7) & ~7)
            : BpfInterpreter.StackFrameSize;
        _stackBytesToClear = bytes;
        return bytes;
    }

    /// <summary>Whether a run may write memory at all: a store, an atomic operation or a helper call
    /// (helpers write through pointers, and a tail call runs another program). A test run restores the
    /// data between runs only for such programs.</summary>
    internal bool MayWriteMemory => _mayWriteMemory ??= Code.Any(s => s.Op is (>= Op.StB and <= Op.AtomicCmpXchg64) or Op.CallHelper or Op.CallX);

    internal BpfHelperFunction[] HelperTable { get; }

    internal BpfMap[] MapTable { get; }

    /// <summary>The engine runs use unless told otherwise (the system's <see cref="BpfSystemOptions.Engine"/>).</summary>
    public BpfEngine Engine => System?.Options.Engine ?? BpfEngine.Jit;

    /// <summary>The compiled form, made on first use; null when the program is too long to compile
    /// (<see cref="BpfJitCompiler.MaxCompiledInstructions"/>), and then it is interpreted.</summary>
    internal BpfCompiledProgram? Compiled
    {
        get
        {
            if (!_compiledMade)
            {
                lock (_compileLock)
                {
                    if (!_compiledMade)
                    {
                        _compiled = BpfJitCompiler.Compile(this, Verification?.Proof);
                        _compiledMade = true;
                    }
                }
            }

            return _compiled;
        }
    }

    /// <summary>Compiles the program again and uses the new code from the next run on (the
    /// benchmarks time compilation with it; tests audit the verifier's proof with
    /// <paramref name="auditProofs"/>, see <see cref="BpfJitCompiler.Compile"/>).</summary>
    internal void Recompile(bool auditProofs = false)
    {
        lock (_compileLock)
        {
            _compiled = BpfJitCompiler.Compile(this, Verification?.Proof, auditProofs);
            _compiledMade = true;
        }
    }

    /// <summary>Runs once over <paramref name="data"/> as the program type defines it (test: the memory
    /// block; XDP and socket filter: the packet; kprobe: the register block) and returns r0. Writes
    /// the program makes to the data are kept in the array.</summary>
    /// <exception cref="BpfException">The program faulted (EFAULT), exhausted its budget (ELOOP) or
    /// called too deep (E2BIG); the message names the instruction.</exception>
    public ulong Run(byte[] data) => Run(data, Engine);

    /// <summary>Runs once with the given engine (see <see cref="Run(byte[])"/>).</summary>
    public ulong Run(byte[] data, BpfEngine engine)
    {
        ArgumentNullException.ThrowIfNull(data);
        return RunTraced(data, data.Length, engine);
    }

    /// <summary>A test run (BPF_PROG_TEST_RUN): runs <paramref name="repeat"/> times, each run over a
    /// fresh copy of <paramref name="data"/>, and reports the return value, instruction count and
    /// mean duration of the last run.</summary>
    public BpfRunResult TestRun(ReadOnlySpan<byte> data, int repeat = 1, CancellationToken cancellationToken = default) =>
        TestRun(data, repeat, Engine, cancellationToken);

    /// <summary>A test run with the given engine (see <see cref="TestRun(ReadOnlySpan{byte}, int, CancellationToken)"/>).</summary>
    public BpfRunResult TestRun(ReadOnlySpan<byte> data, int repeat, BpfEngine engine, CancellationToken cancellationToken = default)
    {
        if (repeat < 1)
        {
            throw new BpfException(BpfErrno.EINVAL, $"repeat {repeat} must be at least 1", -1, "repeat");
        }

        // As the kernel's test run does, the machine, its regions and the context are set up once and
        // the program runs repeat times in them. A program that can write no memory (no store, atomic
        // or helper call) cannot change the data, so only other programs get a fresh copy per run.
        // Each run is timed only while telemetry listens, as the kernel times runs only with
        // bpf_stats_enabled.
        var copy = data.ToArray();
        var restore = repeat > 1 && MayWriteMemory;
        var telemetry = System?.Telemetry;
        var timed = telemetry?.RecordsRuns == true;
        ulong r0;
        long instructions;
        var vm = BpfInterpreter.Rent();
        var start = Stopwatch.GetTimestamp();
        try
        {
            var r1 = Prepare(vm, copy, copy.Length, out var r2);
            r0 = Repeat(vm, engine, r1, r2, data, copy, repeat, restore, timed ? telemetry : null, cancellationToken, out instructions);
        }
        finally
        {
            vm.Return();
        }

        var mean = Stopwatch.GetElapsedTime(start) / repeat;
        return new BpfRunResult(r0, instructions, mean, copy);
    }

    /// <summary>The runs of a test run, each timed and reported when <paramref name="telemetry"/> is
    /// given. The method is called once per test run and loops <paramref name="repeat"/> times, so
    /// tiered compilation would never replace its ready-to-run code (which reaches even
    /// <c>List.Count</c> through a call): it is compiled at full optimization on first use instead.
    /// The budget and the compiled code are taken once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ulong Repeat(
        BpfInterpreter vm, BpfEngine engine, ulong r1, ulong r2, ReadOnlySpan<byte> data, byte[] copy, int repeat, bool restore, BpfTelemetry? telemetry, CancellationToken cancellationToken, out long instructions)
    {
        var budget = Budget;
        var compiled = engine == BpfEngine.Jit ? Compiled : null;
        ulong r0 = 0;
        instructions = 0;
        for (var i = 0; i < repeat; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (restore && i > 0)
            {
                data.CopyTo(copy);
            }

            if (telemetry is null)
            {
                r0 = compiled is not null ? vm.RunCompiled(this, compiled, r1, r2, budget) : vm.Run(this, r1, r2, budget);
            }
            else
            {
                r0 = RunTimed(vm, engine, r1, r2, telemetry);
            }

            instructions = vm.InstructionsExecuted;
            vm.EndRun();
        }

        return r0;
    }

    private ulong RunTimed(BpfInterpreter vm, BpfEngine engine, ulong r1, ulong r2, BpfTelemetry telemetry)
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var r0 = Start(vm, engine, r1, r2);
            ok = true;
            return r0;
        }
        finally
        {
            telemetry.ProgramRun(this, Stopwatch.GetElapsedTime(start), ok);
        }
    }

    /// <summary>Runs without telemetry (for benchmarks and the conformance runner).</summary>
    internal ulong RunUntraced(byte[] data) => RunUntraced(data, BpfEngine.Interpreter);

    /// <summary>Runs without telemetry with the given engine.</summary>
    internal ulong RunUntraced(byte[] data, BpfEngine engine)
    {
        var vm = BpfInterpreter.Rent();
        try
        {
            return Execute(vm, data, data.Length, engine);
        }
        finally
        {
            vm.Return();
        }
    }

    /// <summary>Runs over a frame without keeping it (socket filters through the packet-filter capability).</summary>
    internal ulong RunFrame(ReadOnlySpan<byte> frame)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(frame.Length, 1));
        try
        {
            frame.CopyTo(buffer);
            return RunTraced(buffer, frame.Length, Engine);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One run, timed for telemetry only while a listener takes runs (reading the clock twice
    /// costs more than a short program).</summary>
    private ulong RunTraced(byte[] data, int length, BpfEngine engine)
    {
        var vm = BpfInterpreter.Rent();
        var telemetry = System?.Telemetry;
        var timed = telemetry?.RecordsRuns == true;
        var start = timed ? Stopwatch.GetTimestamp() : 0;
        var ok = false;
        try
        {
            var result = Execute(vm, data, length, engine);
            ok = true;
            return result;
        }
        finally
        {
            vm.Return();
            if (timed)
            {
                telemetry!.ProgramRun(this, Stopwatch.GetElapsedTime(start), ok);
            }
        }
    }

    internal BpfHelperFunction ResolveHelperAtRunTime(ulong id, int instructionIndex)
    {
        var registry = System?.Helpers ?? BpfHelperRegistry.Default;
        if (id > int.MaxValue || !registry.TryGet((int)id, out var helper))
        {
            throw new BpfException(BpfErrno.EINVAL, $"callx to unknown helper {id}", instructionIndex);
        }

        if (helper.Prototype.GplOnly && !IsGplCompatible)
        {
            throw new BpfException(BpfErrno.EINVAL, $"cannot call GPL-restricted function {helper.Prototype.Name} from non-GPL compatible program", instructionIndex);
        }

        return helper.Function;
    }

    private ulong Execute(BpfInterpreter vm, byte[] data, int length, BpfEngine engine)
    {
        var r1 = Prepare(vm, data, length, out var r2);
        return Start(vm, engine, r1, r2);
    }

    /// <summary>Maps the data as the program type defines it (XDP and socket filter: the packet and a
    /// context that describes it; kprobe: the register block; test: the memory block) and returns r1,
    /// with r2 in <paramref name="r2"/>. The program cannot write the contexts made here, so one
    /// preparation serves every run of a test run.</summary>
    private ulong Prepare(BpfInterpreter vm, byte[] data, int length, out ulong r2)
    {
        r2 = 0;
        switch (Type)
        {
            case BpfProgramType.Xdp:
                {
                    vm.SetRegion(BpfInterpreter.PacketRegion, data, 0, length, true, MemoryRegionKind.Packet);
                    var ctx = vm.XdpContext;
                    var packet = (uint)BpfInterpreter.PacketAddress;
                    BinaryPrimitives.WriteUInt32LittleEndian(ctx, packet);
                    BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(4), packet + (uint)length);
                    BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(8), packet);
                    BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(12), 1);
                    vm.MapXdpContext();
                    return BpfInterpreter.ContextAddress;
                }

            case BpfProgramType.SocketFilter:
                {
                    vm.SetRegion(BpfInterpreter.PacketRegion, data, 0, length, false, MemoryRegionKind.Packet);
                    var ctx = vm.SkBuffContext;
                    Array.Clear(ctx);
                    var packet = (uint)BpfInterpreter.PacketAddress;
                    BinaryPrimitives.WriteUInt32LittleEndian(ctx, (uint)length);
                    if (length >= 14)
                    {
                        // skb->protocol is the EtherType in network byte order.
                        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(16), BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(12)));
                    }

                    BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(40), 1);
                    BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(76), packet);
                    BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(80), packet + (uint)length);
                    vm.SetRegion(BpfInterpreter.ContextRegion, ctx, 0, ctx.Length, false, MemoryRegionKind.Context);
                    return BpfInterpreter.ContextAddress;
                }

            case BpfProgramType.Kprobe:
                vm.SetRegion(BpfInterpreter.ContextRegion, data, 0, length, false, MemoryRegionKind.Context);
                return BpfInterpreter.ContextAddress;
            default:
                vm.SetRegion(BpfInterpreter.ContextRegion, data, 0, length, true, MemoryRegionKind.Context);
                r2 = (ulong)length;
                return BpfInterpreter.ContextAddress;
        }
    }

    private long Budget => System?.Options.InstructionBudget ?? DefaultInstructionBudget;

    private ulong Start(BpfInterpreter vm, BpfEngine engine, ulong r1, ulong r2)
    {
        var budget = Budget;
        return engine == BpfEngine.Jit && Compiled is { } compiled ? vm.RunCompiled(this, compiled, r1, r2, budget) : vm.Run(this, r1, r2, budget);
    }

    /// <inheritdoc />
    protected override void OnFree()
    {
        foreach (var map in MapTable)
        {
            map.Release();
        }
    }
}
