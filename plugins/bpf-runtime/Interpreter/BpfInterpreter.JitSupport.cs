using Framework.Plugins.BpfRuntime.Jit;
using Framework.Plugins.BpfRuntime.Programs;

namespace Framework.Plugins.BpfRuntime.Interpreter;

/// <summary>
/// The machine state's side of JIT-compiled code: compiled programs keep registers in IL locals
/// and call back here for what touches the shared state (memory regions, stack frames, tail calls,
/// errors), so that both engines share one memory model and give the same faults.
/// </summary>
internal sealed partial class BpfInterpreter
{
    private readonly ulong[] _jitSaved = new ulong[MaxFrames * BpfJitCompiler.SavedPerFrame];
    private readonly int[] _jitReturnSites = new int[MaxFrames];
    private long _jitBudget;

    /// <summary>r6-r10 of each caller frame, saved by compiled local calls.</summary>
    internal ulong[] JitSaved => _jitSaved;

    /// <summary>The return site of each caller frame (an index into the compiled method's return switch).</summary>
    internal int[] JitReturnSites => _jitReturnSites;

    /// <summary>The initial r10 of a run: the top of the main frame.</summary>
    internal const ulong InitialFramePointer = ((ulong)StackRegion << 24) + (StackFrameSize * MaxFrames);

    /// <summary>Runs a program through its compiled form <paramref name="entry"/> (the caller took
    /// <see cref="BpfProgram.Compiled"/> once), following tail calls; the counterpart of <see cref="Run"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public ulong RunCompiled(BpfProgram program, BpfCompiledProgram entry, ulong r1, ulong r2, long budget)
    {
        // A test run runs one program many times: the store (and its GC write barrier) is rarely needed.
        if (!ReferenceEquals(_program, program))
        {
            _program = program;
        }

        _jitBudget = budget;
        PrepareStack(program.StackBytesToClear);
        var remaining = budget;
        while (true)
        {
            var r0 = entry(this, r1, r2, 0, ref remaining);
            if (_pendingTailCall is { } next)
            {
                // The target replaces the caller: same context, same stack frame.
                _pendingTailCall = null;
                _program = next;
                entry = next.Compiled ?? throw TooLong(next);
                continue;
            }

            InstructionsExecuted = budget - remaining;
            return r0;
        }
    }

    private static BpfException TooLong(BpfProgram program) =>
        new(BpfErrno.E2BIG, $"program {program.Name} of {program.Instructions.Count} instructions is longer than the JIT compiles ({BpfJitCompiler.MaxCompiledInstructions}); run it with the interpreter");

    /// <summary>Enters frame <paramref name="frame"/> of a local call and returns its r10.</summary>
    internal ulong JitEnterFrame(int frame, int pc)
    {
        if (frame >= MaxFrames)
        {
            throw new BpfException(BpfErrno.E2BIG, $"call stack of {MaxFrames + 1} frames is too deep (at most {MaxFrames})", pc);
        }

        var low = StackFrameSize * (MaxFrames - 1 - frame);
        _regions[StackRegion].Low = low;
        SetStackLow(low);
        _stack.AsSpan(low, StackFrameSize).Clear();
        return ((ulong)StackRegion << 24) + (ulong)(low + StackFrameSize);
    }

    /// <summary>Returns to frame <paramref name="frame"/> after a local call.</summary>
    internal void JitLeaveFrame(int frame)
    {
        var low = StackFrameSize * (MaxFrames - 1 - frame);
        _regions[StackRegion].Low = low;
        SetStackLow(low);
    }

    /// <summary>Whether the helper just called asked for a tail call (the compiled code then returns
    /// to <see cref="RunCompiled"/>, or calls <see cref="JitTailCallFromSubprogram"/> in a subprogram).</summary>
    internal bool JitTailCallPending => _pendingTailCall is not null;

    /// <summary>A tail call made in subprogram frame <paramref name="frame"/>: the target replaces the
    /// subprogram (same frame, same context), following further tail calls, and its r0 is what the
    /// subprogram returns to its caller.</summary>
    internal ulong JitTailCallFromSubprogram(int frame, ulong ctx, ref long remaining)
    {
        var caller = _program;
        ulong r0 = 0;
        while (_pendingTailCall is { } next)
        {
            _pendingTailCall = null;
            _program = next;
            var entry = next.Compiled ?? throw TooLong(next);
            r0 = entry(this, ctx, 0, frame, ref remaining);
        }

        _program = caller;
        return r0;
    }

    /// <summary>The legacy packet load (BPF_ABS, BPF_IND) in network byte order; false outside the packet.</summary>
    internal ulong JitLoadPacket(long offset, int size, out bool inside)
    {
        ref var packet = ref _regions[PacketRegion];
        if (offset < 0 || offset + size > packet.Length)
        {
            inside = false;
            return 0;
        }

        inside = true;
        var bytes = packet.Array.AsSpan(packet.Offset + (int)offset, size);
        return size switch
        {
            1 => bytes[0],
            2 => System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes),
            _ => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes),
        };
    }

    /// <summary>A helper called by register (callx) resolved at run time.</summary>
    internal ulong JitCallX(ulong id, int pc, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
        _program!.ResolveHelperAtRunTime(id, pc)(this, r1, r2, r3, r4, r5);

    /// <summary>The first byte of fixed region <paramref name="index"/> (stack, context or packet),
    /// which the program sees at address <c>index &lt;&lt; 24</c>: compiled code takes it once per
    /// entry and reaches the accesses proven inside that region from it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal ref byte JitRegionBase(int index)
    {
        ref var r = ref _regions[index];
        return ref r.Array is null
            ? ref System.Runtime.CompilerServices.Unsafe.NullRef<byte>()
            : ref System.Runtime.CompilerServices.Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(r.Array), r.Offset);
    }

    /// <summary>A load or store the verifier proved inside its region: only the region is looked up.</summary>
    internal ref byte AccessProven(ulong address)
    {
        ref var r = ref _regions[(int)(address >> 24)];
        return ref System.Runtime.CompilerServices.Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(r.Array), r.Offset + (int)(address & 0xFFFFFF));
    }

    /// <summary>An access the verifier proved in bounds, checked anyway (the JIT's audit mode, for
    /// tests of the verifier's soundness): inside its region, writable when written, and in the main
    /// frame no deeper than the bytes zeroed before the run.</summary>
    /// <exception cref="InvalidOperationException">The proof was wrong: JIT code without the check
    /// would have touched memory outside the program's regions.</exception>
    internal ref byte AccessAudited(ulong address, int size, bool write, int pc)
    {
        var index = address >> 24;
        var off = (uint)address & 0xFFFFFF;
        var inside = index < MaxRegions
            && _regions[index].Array is not null
            && off >= (uint)_regions[index].Low
            && off + (uint)size <= (uint)_regions[index].Length
            && (!write || _regions[index].Writable);
        if (inside && index == StackRegion && address >= InitialFramePointer - StackFrameSize && _program is { } program)
        {
            inside = address >= InitialFramePointer - (ulong)program.StackBytesToClear;
        }

        if (!inside)
        {
            throw new InvalidOperationException(
                $"insn {pc}: a {size}-byte {(write ? "store" : "load")} the verifier proved in bounds is outside its region (address 0x{address:x})");
        }

        return ref AccessProven(address);
    }

    /// <summary>The error for an exhausted budget (compiled code throws it).</summary>
    internal BpfException JitBudgetExhausted(int pc) =>
        new(BpfErrno.ELOOP, $"instruction budget of {_jitBudget} exhausted", pc);

    /// <summary>The error for running off the end or into the second half of a wide load.</summary>
    internal static BpfException JitFellOff(int pc, bool end) =>
        new(BpfErrno.EINVAL, end
            ? "execution ran past the last instruction"
            : "execution reached the second half of a 64-bit immediate load or the end of the program", pc);
}
