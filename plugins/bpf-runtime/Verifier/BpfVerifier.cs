using System.Diagnostics;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Helpers;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Jit;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using static Framework.Plugins.BpfRuntime.Isa.BpfOpcode;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// The verifier (the kernel's <c>bpf_check</c>, written from its documented rules): a control-flow
/// check, then a path-by-path abstract interpretation of every register and stack byte, with state
/// pruning at the points where paths meet and a complexity limit. A program it accepts reads no
/// uninitialized register or stack byte, dereferences only pointers it may (bounded: map values by
/// their size, the packet by a comparison against its end, the stack by its frame), passes helpers
/// the argument types their prototypes ask for, always ends in exit, and loops only as long as the
/// analysis can follow. Rejections name the instruction and the reason.
/// </summary>
public static class BpfVerifier
{
    /// <summary>Verifies a program.</summary>
    /// <param name="instructions">The program's instructions.</param>
    /// <param name="environment">Type, privilege, helpers and maps.</param>
    /// <param name="verboseLog">Whether the log records every processed instruction.</param>
    public static BpfVerifierResult Verify(IReadOnlyList<BpfInstruction> instructions, VerifierEnvironment environment, bool verboseLog = false)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        ArgumentNullException.ThrowIfNull(environment);
        var log = new VerifierLog(verboseLog);
        var start = Stopwatch.GetTimestamp();
        var code = instructions.ToArray();
        var explorer = new PathExplorer(code, environment, log);
        try
        {
            if (code.Length == 0)
            {
                throw new VerifierRejection(0, "empty program");
            }

            try
            {
                BpfDecoder.Validate(code);
            }
            catch (BpfException e)
            {
                throw new VerifierRejection(Math.Max(e.InstructionIndex, 0), e.Message);
            }

            explorer.Run();
            log.Final(explorer.Statistics());
            return new BpfVerifierResult(true, -1, null, log.ToString(), explorer.Processed, explorer.States, Stopwatch.GetElapsedTime(start), explorer.Proof, explorer.Proof.ProvenCount);
        }
        catch (VerifierRejection r)
        {
            var at = r.Instruction >= 0 && r.Instruction < code.Length ? $"{r.Instruction}: {BpfDisassembler.Format(code[r.Instruction])}" : null;
            if (at is not null && !verboseLog)
            {
                log.Line(at);
            }

            log.Final($"insn {r.Instruction}: {r.Message}");
            log.Final(explorer.Statistics());
            return new BpfVerifierResult(false, r.Instruction, r.Message, log.ToString(), explorer.Processed, explorer.States, Stopwatch.GetElapsedTime(start), null, 0);
        }
    }

    /// <summary>Verifies and throws the rejection as a <see cref="BpfException"/> (EACCES for a broken
    /// rule, E2BIG for the complexity limit) carrying the log.</summary>
    internal static BpfVerifierResult VerifyOrThrow(IReadOnlyList<BpfInstruction> instructions, VerifierEnvironment environment, bool verboseLog)
    {
        var result = Verify(instructions, environment, verboseLog);
        if (!result.Accepted)
        {
            var errno = result.Error!.StartsWith("BPF program is too", StringComparison.Ordinal) ? BpfErrno.E2BIG : BpfErrno.EACCES;
            throw new BpfException(errno, $"verifier: {result.Error}", result.ErrorInstruction) { VerifierLog = result.Log };
        }

        return result;
    }

    /// <summary>One verification: the worklist of paths still to explore and the state of the one
    /// being explored.</summary>
    private sealed class PathExplorer
    {
        private readonly BpfInstruction[] _code;
        private readonly VerifierEnvironment _env;
        private readonly VerifierLog _log;
        private readonly Stack<(int Pc, VerifierState State, ExploredState? Head)> _pending = new();
        private StatePruning? _pruning;
        private int _nextId;
        private ExploredState? _head;

        public PathExplorer(BpfInstruction[] code, VerifierEnvironment env, VerifierLog log)
        {
            _code = code;
            _env = env;
            _log = log;
            Proof = new VerifiedAccesses(code.Length);
        }

        public int Processed { get; private set; }

        public int States => _pruning?.TotalStates ?? 0;

        public VerifiedAccesses Proof { get; }

        public string Statistics() =>
            $"processed {Processed} insns (limit {_env.Limits.MaxProcessedInstructions}) max_states_per_insn {_pruning?.PeakStatesPerInstruction ?? 0} total_states {States}";

        public void Run()
        {
            var cfg = ControlFlowGraph.Build(_code, allowLoops: _env.Privileged);
            _pruning = new StatePruning(_code.Length);
            var initial = new VerifierState();
            var main = new FrameState();
            Array.Fill(main.Registers, RegisterState.NotInit);
            main.Registers[1] = RegisterState.Pointer(RegisterType.Context);
            main.Registers[10] = RegisterState.Pointer(RegisterType.Stack, frame: 0);
            if (_env.Type == BpfProgramType.Test)
            {
                // A test program gets its memory block's length in r2 (the bpf_conformance convention).
                main.Registers[2] = RegisterState.UnknownScalar;
            }
            initial.Frames.Add(main);
            _pending.Push((0, initial, null));
            while (_pending.Count > 0)
            {
                var (pc, state, head) = _pending.Pop();
                _head = head;
                if (_log.Verbose)
                {
                    _log.Line($"from branch to {pc}");
                }

                while (true)
                {
                    if (++Processed > _env.Limits.MaxProcessedInstructions)
                    {
                        throw new VerifierRejection(pc, $"BPF program is too large. Processed {Processed} insn");
                    }

                    if (cfg.PrunePoints[pc])
                    {
                        if (StatePruning.LoopsWithoutProgress(pc, state, _head))
                        {
                            throw new VerifierRejection(pc, $"infinite loop detected at insn {pc}");
                        }

                        if (_pruning.IsCovered(pc, state))
                        {
                            if (_log.Verbose)
                            {
                                _log.Line($"{pc}: safe");
                            }

                            break;
                        }

                        _head = _pruning.Record(pc, state, _head) ?? _head;
                    }

                    if (_log.Verbose)
                    {
                        _log.Line($"{pc}: {BpfDisassembler.Format(_code[pc])} ; {Describe(state)}");
                    }

                    var next = Step(pc, state);
                    if (next < 0)
                    {
                        break;
                    }

                    pc = next;
                }

                StatePruning.PathEnded(_head);
            }
        }

        private static string Describe(VerifierState state)
        {
            var r = state.Registers;
            var parts = new List<string>();
            for (var i = 0; i < r.Length; i++)
            {
                if (r[i].Type != RegisterType.NotInit)
                {
                    parts.Add($"R{i}={r[i]}");
                }
            }

            return string.Join(' ', parts);
        }

        private void Fork(int pc, VerifierState state)
        {
            if (_pending.Count >= _env.Limits.MaxPendingBranches)
            {
                throw new VerifierRejection(pc, $"BPF program is too complex: the sequence of {_pending.Count} jumps is too long");
            }

            if (_head is not null)
            {
                _head.Branches++;
            }

            _pending.Push((pc, state, _head));
        }

        /// <summary>Executes one instruction abstractly; returns the next instruction or -1 when the path ends.</summary>
        private int Step(int pc, VerifierState st)
        {
            var insn = _code[pc];
            switch (insn.Class)
            {
                case BpfInstructionClass.Alu:
                case BpfInstructionClass.Alu64:
                    Alu(pc, insn, st);
                    return pc + 1;
                case BpfInstructionClass.Ld:
                    return Ld(pc, insn, st);
                case BpfInstructionClass.Ldx:
                    Ldx(pc, insn, st);
                    return pc + 1;
                case BpfInstructionClass.St:
                case BpfInstructionClass.Stx:
                    Store(pc, insn, st);
                    return pc + 1;
                default:
                    return Jump(pc, insn, st);
            }
        }

        private static RegisterState Read(int pc, VerifierState st, int reg)
        {
            var r = st.Registers[reg];
            if (r.Type == RegisterType.NotInit)
            {
                throw new VerifierRejection(pc, $"R{reg} !read_ok");
            }

            return r;
        }

        private static void WriteCheck(int pc, int reg)
        {
            if (reg == 10)
            {
                throw new VerifierRejection(pc, "frame pointer is read only");
            }
        }

        private static string Name(RegisterType type) => type switch
        {
            RegisterType.Scalar => "scalar",
            RegisterType.Context => "ctx",
            RegisterType.Stack => "fp",
            RegisterType.MapPointer => "map_ptr",
            RegisterType.MapValue => "map_value",
            RegisterType.MapValueOrNull => "map_value_or_null",
            RegisterType.Packet => "pkt",
            RegisterType.PacketEnd => "pkt_end",
            RegisterType.RingBufferRecord => "ringbuf_mem",
            RegisterType.RingBufferRecordOrNull => "ringbuf_mem_or_null",
            _ => "?",
        };

        private static string OpName(int op) => op switch
        {
            Add => "+=", Sub => "-=", Mul => "*=", Div => "/=", Or => "|=", And => "&=", Lsh => "<<=", Rsh => ">>=",
            Neg => "neg", Mod => "%=", Xor => "^=", Mov => "=", Arsh => "s>>=", _ => "bswap",
        };

        // ---- ALU ----------------------------------------------------------------------------

        private void Alu(int pc, BpfInstruction insn, VerifierState st)
        {
            var regs = st.Registers;
            var op = insn.Opcode & 0xf0;
            var is64 = insn.Class == BpfInstructionClass.Alu64;
            var isX = (insn.Opcode & X) != 0;
            var dst = insn.Dst;
            WriteCheck(pc, dst);

            if (op == Mov)
            {
                if (!isX)
                {
                    regs[dst] = RegisterState.Constant(is64 ? (ulong)(long)insn.Imm : (uint)insn.Imm);
                    return;
                }

                var src = Read(pc, st, insn.Src);
                if (insn.Offset != 0)
                {
                    // movsx: sign-extend the low 8, 16 or 32 bits.
                    if (src.IsPointer)
                    {
                        throw new VerifierRejection(pc, $"R{insn.Src} sign-extension of a pointer prohibited");
                    }

                    regs[dst] = src.Bounds.IsConstant
                        ? RegisterState.Constant(is64 ? ScalarArithmetic.SignExtend(src.Bounds.Value, insn.Offset) : (uint)ScalarArithmetic.SignExtend(src.Bounds.Value, insn.Offset))
                        : RegisterState.Scalar(is64 ? ScalarBounds.Unknown : ScalarBounds.Unknown32);
                    return;
                }

                if (!is64)
                {
                    if (src.IsPointer)
                    {
                        if (!_env.Privileged)
                        {
                            throw new VerifierRejection(pc, $"R{insn.Src} partial copy of pointer");
                        }

                        regs[dst] = RegisterState.Scalar(ScalarBounds.Unknown32);
                        return;
                    }

                    regs[dst] = RegisterState.Scalar(src.Bounds.Low32());
                    return;
                }

                if (src.Type == RegisterType.Scalar && !src.Bounds.IsConstant)
                {
                    // Copies share an id: what a later comparison learns about one holds for both.
                    if (src.Id == 0)
                    {
                        src = src with { Id = ++_nextId };
                        regs[insn.Src] = src;
                    }
                }

                regs[dst] = src;
                return;
            }

            var d = Read(pc, st, dst);
            if (op is Neg or End)
            {
                if (d.IsPointer)
                {
                    throw new VerifierRejection(pc, $"R{dst} pointer arithmetic with {OpName(op)} operator prohibited");
                }

                regs[dst] = RegisterState.Scalar(op == Neg
                    ? ScalarArithmetic.Apply(Neg, is64, 0, d.Bounds, ScalarBounds.Constant(0))
                    : SwapBounds(d.Bounds, insn.Imm, swap: is64 || (insn.Opcode & ToBe) != 0));
                return;
            }

            RegisterState s;
            if (isX)
            {
                s = Read(pc, st, insn.Src);
            }
            else
            {
                if (op is Div or Mod && insn.Imm == 0)
                {
                    throw new VerifierRejection(pc, "div by zero");
                }

                if (op is Lsh or Rsh or Arsh && (uint)insn.Imm >= (is64 ? 64u : 32u))
                {
                    throw new VerifierRejection(pc, $"invalid shift {insn.Imm}");
                }

                s = RegisterState.Constant(is64 ? (ulong)(long)insn.Imm : (uint)insn.Imm);
            }

            if (d.IsPointer || s.IsPointer)
            {
                regs[dst] = PointerArithmetic(pc, insn, op, is64, d, s);
                return;
            }

            regs[dst] = RegisterState.Scalar(ScalarArithmetic.Apply(op, is64, insn.Offset, d.Bounds, s.Bounds));
        }

        private static ScalarBounds SwapBounds(ScalarBounds value, int width, bool swap)
        {
            if (value.IsConstant)
            {
                return ScalarBounds.Constant(ScalarArithmetic.Swap(value.Value, width, swap));
            }

            if (!swap && width < 64 && value.UMax < 1UL << width)
            {
                return value;
            }

            return width >= 64 ? ScalarBounds.Unknown : ScalarBounds.Range(0, (1UL << width) - 1);
        }

        private RegisterState PointerArithmetic(int pc, BpfInstruction insn, int op, bool is64, RegisterState d, RegisterState s)
        {
            var dst = insn.Dst;
            if (!is64)
            {
                throw new VerifierRejection(pc, $"R{dst} 32-bit pointer arithmetic prohibited");
            }

            if (d.IsPointer && s.IsPointer)
            {
                if (op == Sub && _env.Privileged)
                {
                    return RegisterState.UnknownScalar;
                }

                throw new VerifierRejection(pc, $"R{dst} pointer {OpName(op)} pointer prohibited");
            }

            if (!d.IsPointer)
            {
                if (op != Add)
                {
                    throw new VerifierRejection(pc, $"R{dst} tried to {(op == Sub ? "subtract pointer from scalar" : $"use {OpName(op)} on scalar and pointer")}");
                }

                (d, s) = (s, d);
            }

            if (op is And or Or or Xor)
            {
                throw new VerifierRejection(pc, $"R{dst} bitwise operator {OpName(op)} on pointer prohibited");
            }

            if (op is not (Add or Sub))
            {
                throw new VerifierRejection(pc, $"R{dst} pointer arithmetic with {OpName(op)} operator prohibited");
            }

            switch (d.Type)
            {
                case RegisterType.MapValueOrNull or RegisterType.RingBufferRecordOrNull:
                    throw new VerifierRejection(pc, $"R{dst} pointer arithmetic on {Name(d.Type)} prohibited, null-check it first");
                case RegisterType.PacketEnd or RegisterType.MapPointer:
                    throw new VerifierRejection(pc, $"R{dst} pointer arithmetic on {Name(d.Type)} prohibited");
            }

            if (s.Bounds.IsConstant)
            {
                var delta = (long)s.Bounds.Value;
                var offset = op == Add ? d.Offset + delta : d.Offset - delta;
                if (offset is < -(1 << 29) or > 1 << 29)
                {
                    throw new VerifierRejection(pc, $"R{dst} pointer offset {offset} is out of range");
                }

                return d with { Offset = (int)offset };
            }

            if (d.Type is RegisterType.Stack || (d.Type == RegisterType.Context && _env.Type != BpfProgramType.Test))
            {
                throw new VerifierRejection(pc, $"R{dst} variable {Name(d.Type)} access prohibited (var_off={s.Bounds})");
            }

            var bounds = op == Add ? d.Bounds.Add(s.Bounds) : d.Bounds.Sub(s.Bounds);
            return d.Type == RegisterType.Packet
                ? d with { Bounds = bounds, Id = ++_nextId, Range = 0 }
                : d with { Bounds = bounds };
        }

        // ---- loads and stores ---------------------------------------------------------------

        private int Ld(int pc, BpfInstruction insn, VerifierState st)
        {
            var regs = st.Registers;
            if (insn.Opcode != LdDw)
            {
                // Legacy packet loads (BPF_ABS, BPF_IND) of socket filters. The kernel wants the skb
                // in r6; this runtime reads the packet directly, so r6 is not required.
                if (_env.Type != BpfProgramType.SocketFilter)
                {
                    throw new VerifierRejection(pc, $"BPF_LD_[ABS|IND] instructions not allowed for this program type ({_env.Type})");
                }

                if ((insn.Opcode & 0xe0) == Ind)
                {
                    Read(pc, st, insn.Src);
                }

                var size = SizeOf(insn.Opcode);
                for (var r = 1; r <= 5; r++)
                {
                    regs[r] = RegisterState.NotInit;
                }

                regs[0] = RegisterState.Scalar(ScalarBounds.Range(0, size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1));
                return pc + 1;
            }

            WriteCheck(pc, insn.Dst);
            var high = _code[pc + 1].Imm;
            switch (insn.Src)
            {
                case PseudoImm:
                    regs[insn.Dst] = RegisterState.Constant((uint)insn.Imm | ((ulong)(uint)high << 32));
                    break;
                case PseudoMapFd or PseudoMapIdx:
                    regs[insn.Dst] = RegisterState.Pointer(RegisterType.MapPointer, map: MapAt(pc).Index);
                    break;
                case PseudoMapValue or PseudoMapIdxValue:
                {
                    var map = MapAt(pc);
                    if (map.Type is not (BpfMapType.Array or BpfMapType.PerCpuArray) || high < 0 || high >= map.ValueSize)
                    {
                        throw new VerifierRejection(pc, $"invalid access to map value pointer, value_size={map.ValueSize} off={high}");
                    }

                    regs[insn.Dst] = RegisterState.Pointer(RegisterType.MapValue, offset: high, map: map.Index);
                    break;
                }

                default:
                    throw new VerifierRejection(pc, $"unsupported ld_imm64 source {insn.Src} (BTF ids and function references)");
            }

            return pc + 2;
        }

        private VerifierMap MapAt(int pc) =>
            _env.MapsByInstruction.TryGetValue(pc, out var map)
                ? map
                : throw new VerifierRejection(pc, $"fd {_code[pc].Imm} is not pointing to valid bpf_map");

        private VerifierMap MapByIndex(int index)
        {
            foreach (var m in _env.MapsByInstruction.Values)
            {
                if (m.Index == index)
                {
                    return m;
                }
            }

            throw new InvalidOperationException($"map {index} unknown");
        }

        private static int SizeOf(byte opcode) => (opcode & 0x18) switch { W => 4, H => 2, B => 1, _ => 8 };

        private void Ldx(int pc, BpfInstruction insn, VerifierState st)
        {
            WriteCheck(pc, insn.Dst);
            var size = SizeOf(insn.Opcode);
            var value = Access(pc, st, insn.Src, insn.Offset, size, write: false, default, proven: true);
            if ((insn.Opcode & 0xe0) == MemSx && !value.IsPointer)
            {
                value = value.Bounds.UMax < 1UL << ((size * 8) - 1)
                    ? value
                    : RegisterState.Scalar(new ScalarBounds(Tnum.Unknown, 0, ulong.MaxValue, -(1L << ((size * 8) - 1)), (1L << ((size * 8) - 1)) - 1).Normalize() ?? ScalarBounds.Unknown);
            }

            st.Registers[insn.Dst] = value with { Id = value.IsPointer ? value.Id : 0 };
        }

        private void Store(int pc, BpfInstruction insn, VerifierState st)
        {
            var size = SizeOf(insn.Opcode);
            var mode = insn.Opcode & 0xe0;
            if (insn.Class == BpfInstructionClass.St)
            {
                var imm = ScalarArithmetic.SignExtend((ulong)(long)insn.Imm, 32);
                var stored = size == 8 ? imm : imm & ((1UL << (size * 8)) - 1);
                Access(pc, st, insn.Dst, insn.Offset, size, write: true, RegisterState.Constant(stored), proven: true);
                return;
            }

            var value = Read(pc, st, insn.Src);
            if (mode != Atomic)
            {
                Access(pc, st, insn.Dst, insn.Offset, size, write: true, value with { Id = value.IsPointer ? value.Id : 0 }, proven: true);
                return;
            }

            var target = Read(pc, st, insn.Dst);
            if (target.Type is not (RegisterType.Stack or RegisterType.MapValue) && !(target.Type == RegisterType.Context && _env.Type == BpfProgramType.Test))
            {
                throw new VerifierRejection(pc, $"BPF_ATOMIC stores into R{insn.Dst} {Name(target.Type)} is not allowed");
            }

            if (value.IsPointer)
            {
                throw new VerifierRejection(pc, $"R{insn.Src} leaks addr into mem");
            }

            var cmpxchg = insn.Imm == AtomicCmpXchg;
            if (cmpxchg)
            {
                Read(pc, st, 0);
            }

            // The atomic reads and writes: the read checks initialization, the write marks the bytes.
            var old = Access(pc, st, insn.Dst, insn.Offset, size, write: false, default, proven: false);
            Access(pc, st, insn.Dst, insn.Offset, size, write: true, RegisterState.Scalar(size == 8 ? ScalarBounds.Unknown : ScalarBounds.Unknown32), proven: false);
            if ((insn.Imm & AtomicFetch) != 0)
            {
                var fetched = old.IsPointer ? RegisterState.UnknownScalar : RegisterState.Scalar(size == 8 ? ScalarBounds.Unknown : ScalarBounds.Unknown32);
                if (cmpxchg)
                {
                    st.Registers[0] = fetched;
                }
                else
                {
                    WriteCheck(pc, insn.Src);
                    st.Registers[insn.Src] = fetched;
                }
            }
        }

        private static RegisterState Sized(int size) =>
            size == 8 ? RegisterState.UnknownScalar : RegisterState.Scalar(ScalarBounds.Range(0, (1UL << (size * 8)) - 1));

        /// <summary>Checks a load or store of <paramref name="size"/> bytes at <c>reg + off</c>;
        /// returns what a load gives.</summary>
        private RegisterState Access(int pc, VerifierState st, int reg, int off, int size, bool write, RegisterState value, bool proven)
        {
            var p = Read(pc, st, reg);
            if (write && value.IsPointer && !_env.Privileged && p.Type is RegisterType.MapValue or RegisterType.Packet or RegisterType.Context or RegisterType.RingBufferRecord)
            {
                throw new VerifierRejection(pc, $"leaks addr into {(p.Type == RegisterType.MapValue ? "map" : Name(p.Type))}");
            }

            switch (p.Type)
            {
                case RegisterType.Stack:
                {
                    var total = p.Offset + off;
                    if (total < -StackFrame.Size || total + size > 0)
                    {
                        throw new VerifierRejection(pc, $"invalid {(write ? "write to" : "read from")} stack R{reg} off={total} size={size}");
                    }

                    if (total % size != 0)
                    {
                        throw new VerifierRejection(pc, $"misaligned stack access off {total} size {size}");
                    }

                    var frame = st.Frames[p.Frame].Stack;
                    Proof.Visit(pc, proven, ProvenRegion.Stack);
                    Proof.TouchStack(p.Frame, total);
                    if (write)
                    {
                        if (value.IsPointer && size != 8 && !_env.Privileged)
                        {
                            throw new VerifierRejection(pc, $"partial spill of a pointer to stack off={total}");
                        }

                        frame.Store(total, size, value);
                        return default;
                    }

                    if (!frame.IsInitialized(total, size) && !_env.Privileged)
                    {
                        throw new VerifierRejection(pc, $"invalid read from stack R{reg} off {total}+0 size {size}");
                    }

                    var loaded = frame.Load(total, size);
                    if (loaded.IsPointer && !_env.Privileged && size != 8)
                    {
                        throw new VerifierRejection(pc, $"partial fill of a spilled pointer from stack off={total}");
                    }

                    return loaded;
                }

                case RegisterType.Context:
                {
                    var loaded = ContextAccess(pc, p.Offset + off, size, write);

                    // XDP and socket-filter contexts have a fixed size, so a read checked above
                    // stays inside; kprobe and test contexts are the caller's memory of any length,
                    // and socket-filter writes (cb) stay checked like the interpreter's.
                    Proof.Visit(pc, proven && !write && _env.Type is BpfProgramType.Xdp or BpfProgramType.SocketFilter, ProvenRegion.Context);
                    return loaded;
                }

                case RegisterType.MapValue:
                {
                    var map = MapByIndex(p.Map);
                    CheckRegion(pc, reg, p, off, size, map.ValueSize, "map value");
                    if (write && !map.ProgramWritable)
                    {
                        throw new VerifierRejection(pc, "write into map forbidden (map is read-only for programs)");
                    }

                    Proof.Visit(pc, proven && map.ProgramWritable);
                    return Sized(size);
                }

                case RegisterType.Packet:
                {
                    if (p.Bounds.SMin < 0 || p.Bounds.UMax > 0xFFFF)
                    {
                        throw new VerifierRejection(pc, $"R{reg} unbounded packet offset (var_off={p.Bounds})");
                    }

                    var lo = p.Offset + off;
                    if (lo < 0 || lo + size > p.Range)
                    {
                        throw new VerifierRejection(pc, $"invalid access to packet, off={lo} size={size}, R{reg}(id={p.Id},off={p.Offset},r={p.Range})");
                    }

                    if (write && _env.Type != BpfProgramType.Xdp)
                    {
                        throw new VerifierRejection(pc, $"cannot write into packet (program type {_env.Type})");
                    }

                    Proof.Visit(pc, proven, ProvenRegion.Packet);
                    return Sized(size);
                }

                case RegisterType.RingBufferRecord:
                    CheckRegion(pc, reg, p, off, size, p.Size, "ringbuf_mem");
                    Proof.Visit(pc, false);
                    return Sized(size);
                default:
                    throw new VerifierRejection(pc, $"R{reg} invalid mem access '{Name(p.Type)}'");
            }
        }

        private static void CheckRegion(int pc, int reg, RegisterState p, int off, int size, int regionSize, string what)
        {
            if (p.Bounds.SMin < 0)
            {
                throw new VerifierRejection(pc, $"R{reg} min value is negative, either use unsigned index or do a if (index >=0) check.");
            }

            if (p.Bounds.UMax >= 1UL << 29)
            {
                throw new VerifierRejection(pc, $"R{reg} unbounded memory access, make sure to bounds check any such access");
            }

            var lo = (long)p.Offset + off + p.Bounds.SMin;
            var hi = (long)p.Offset + off + (long)p.Bounds.UMax + size;
            if (lo < 0 || hi > regionSize)
            {
                throw new VerifierRejection(pc, $"invalid access to {what}, value_size={regionSize} off={(long)p.Offset + off}{(p.Bounds.IsConstant ? string.Empty : $" (var umax={p.Bounds.UMax})")} size={size}");
            }
        }

        private RegisterState ContextAccess(int pc, int offset, int size, bool write)
        {
            string Bad() => $"invalid bpf_context access off={offset} size={size}";
            switch (_env.Type)
            {
                case BpfProgramType.Xdp:
                    if (write || offset < 0 || offset + size > BpfProgram.XdpContextSize || offset % 4 + size > 4)
                    {
                        throw new VerifierRejection(pc, Bad());
                    }

                    if (offset is 0 or 4)
                    {
                        if (size != 4)
                        {
                            throw new VerifierRejection(pc, Bad());
                        }

                        return offset == 0 ? RegisterState.Pointer(RegisterType.Packet) : RegisterState.Pointer(RegisterType.PacketEnd);
                    }

                    return Sized(size);
                case BpfProgramType.SocketFilter:
                    // struct __sk_buff: readable scalars; cb[0..4] writable. This runtime also gives
                    // socket filters data and data_end (read-only packet), which the kernel does not.
                    if (offset < 0 || offset + size > BpfProgram.SkBuffContextSize || offset % size != 0)
                    {
                        throw new VerifierRejection(pc, Bad());
                    }

                    if (offset is 76 or 80 && !write)
                    {
                        if (size != 4)
                        {
                            throw new VerifierRejection(pc, Bad());
                        }

                        return offset == 76 ? RegisterState.Pointer(RegisterType.Packet) : RegisterState.Pointer(RegisterType.PacketEnd);
                    }

                    if (write && !(offset >= 48 && offset + size <= 68))
                    {
                        throw new VerifierRejection(pc, Bad());
                    }

                    return Sized(size);
                case BpfProgramType.Kprobe:
                    if (write || offset < 0 || offset + size > 168 || offset % size != 0)
                    {
                        throw new VerifierRejection(pc, Bad());
                    }

                    return Sized(size);
                default:
                    // A test program's context is a memory block whose size is known only when it runs:
                    // its accesses stay checked at run time.
                    return Sized(size);
            }
        }

        // ---- jumps, calls, exit -------------------------------------------------------------

        private int Jump(int pc, BpfInstruction insn, VerifierState st)
        {
            var op = insn.Opcode & 0xf0;
            switch (op)
            {
                case Ja:
                    return ControlFlowGraph.JumpTarget(insn, pc);
                case Call:
                    return insn.Src switch
                    {
                        CallHelper => HelperCall(pc, insn, st),
                        CallLocal => LocalCall(pc, insn, st),
                        _ => throw new VerifierRejection(pc, "kernel function calls (kfuncs) are not supported"),
                    };
                case Exit:
                    return ExitCall(pc, st);
            }

            var is64 = insn.Class == BpfInstructionClass.Jmp;
            var a = Read(pc, st, insn.Dst);
            var isX = (insn.Opcode & X) != 0;
            var b = isX ? Read(pc, st, insn.Src) : RegisterState.Constant(is64 ? (ulong)(long)insn.Imm : (uint)insn.Imm);
            var target = ControlFlowGraph.JumpTarget(insn, pc);
            var taken = st.Clone();
            var takenOk = Assume(pc, insn, op, is64, isX, taken, a, b);
            var fallOk = Assume(pc, insn, BranchRefinement.Negate(op), is64, isX, st, a, b);
            if (_log.Verbose && !(takenOk && fallOk))
            {
                _log.Line($"{pc}: branch {(takenOk ? "always" : "never")} taken");
            }

            if (takenOk && fallOk)
            {
                Fork(target, taken);
                return pc + 1;
            }

            if (takenOk)
            {
                st.Frames.Clear();
                st.Frames.AddRange(taken.Frames);
                return target;
            }

            return fallOk ? pc + 1 : -1;
        }

        /// <summary>Narrows <paramref name="st"/> assuming the condition holds; false when it cannot.</summary>
        private bool Assume(int pc, BpfInstruction insn, int cond, bool is64, bool isX, VerifierState st, RegisterState a, RegisterState b)
        {
            if (a.Type == RegisterType.Scalar && b.Type == RegisterType.Scalar)
            {
                var ab = a.Bounds;
                var bb = b.Bounds;
                if (!is64)
                {
                    var fits = ab.UMax <= uint.MaxValue && bb.UMax <= uint.MaxValue
                        && (cond is not (Jsgt or Jsge or Jslt or Jsle) || (ab.UMax <= int.MaxValue && bb.UMax <= int.MaxValue));
                    if (!fits)
                    {
                        if (ab.IsConstant && bb.IsConstant)
                        {
                            var x = ScalarBounds.Constant((ulong)(int)ab.Value);
                            var y = ScalarBounds.Constant((ulong)(int)bb.Value);
                            var signed = cond is Jsgt or Jsge or Jslt or Jsle;
                            if (!signed)
                            {
                                x = ScalarBounds.Constant((uint)ab.Value);
                                y = ScalarBounds.Constant((uint)bb.Value);
                            }

                            return BranchRefinement.Assume(cond, x, y) is not null;
                        }

                        return true;
                    }
                }

                var narrowed = BranchRefinement.Assume(cond, ab, bb);
                if (narrowed is null)
                {
                    return false;
                }

                SetBounds(st, insn.Dst, a, narrowed.Value.A);
                if (isX)
                {
                    SetBounds(st, insn.Src, b, narrowed.Value.B);
                }

                return true;
            }

            // Null checks: map_value_or_null (or a ring buffer record) against zero.
            if (a.IsNullable && b.Type == RegisterType.Scalar && b.Bounds.IsConstant && b.Bounds.Value == 0 && cond is Jeq or Jne)
            {
                var isNull = cond == Jeq;
                var nonNull = a.Type == RegisterType.MapValueOrNull ? RegisterType.MapValue : RegisterType.RingBufferRecord;
                st.UpdateById(a.Id, r => isNull ? RegisterState.Constant(0) : r with { Type = nonNull });
                return true;
            }

            // Packet bounds: a packet pointer against the packet's end.
            if (is64 && ((a.Type == RegisterType.Packet && b.Type == RegisterType.PacketEnd) || (a.Type == RegisterType.PacketEnd && b.Type == RegisterType.Packet)))
            {
                var pkt = a.Type == RegisterType.Packet ? a : b;
                var packetFirst = a.Type == RegisterType.Packet;

                // Which conditions mean "pkt <= end": then pkt.Offset bytes from its base are inside.
                var good = packetFirst ? cond is Jle or Jlt : cond is Jge or Jgt;
                if (good && pkt.Offset > 0)
                {
                    var range = pkt.Offset;
                    var id = pkt.Id;
                    st.UpdatePacketPointers(r => r.Id == id ? r with { Range = Math.Max(r.Range, range) } : r);
                }

                return true;
            }

            if (!_env.Privileged && (a.IsPointer || b.IsPointer))
            {
                throw new VerifierRejection(pc, $"R{insn.Dst} pointer comparison prohibited");
            }

            return true;
        }

        private static void SetBounds(VerifierState st, int reg, RegisterState before, ScalarBounds bounds)
        {
            if (before.Id != 0)
            {
                st.UpdateById(before.Id, r => r.Type == RegisterType.Scalar ? r with { Bounds = bounds } : r);
            }
            else
            {
                st.Registers[reg] = before with { Bounds = bounds };
            }
        }

        private int HelperCall(int pc, BpfInstruction insn, VerifierState st)
        {
            if (!_env.Helpers.TryGet(insn.Imm, out var helper))
            {
                throw new VerifierRejection(pc, $"invalid func unknown#{insn.Imm}");
            }

            var proto = helper.Prototype;
            var regs = st.Registers;
            VerifierMap? map = null;
            RegisterState memory = default;
            var memoryReg = 0;
            // bpf_trace_printk is variadic: the kernel's prototype declares only fmt and its size.
            var declared = proto.Id == StandardHelpers.TracePrintk ? 2 : Math.Min(proto.Arguments.Count, 5);
            for (var i = 0; i < declared; i++)
            {
                var r = i + 1;
                var arg = regs[r];
                var kind = proto.Arguments[i];
                if (arg.Type == RegisterType.NotInit)
                {
                    throw new VerifierRejection(pc, $"R{r} !read_ok");
                }

                switch (kind)
                {
                    case BpfHelperArgument.ConstMapPointer:
                        if (arg.Type != RegisterType.MapPointer)
                        {
                            throw new VerifierRejection(pc, $"R{r} type={Name(arg.Type)} expected=map_ptr");
                        }

                        map = MapByIndex(arg.Map);
                        CheckMapForHelper(pc, proto, map);
                        break;
                    case BpfHelperArgument.PointerToMapKey:
                        HelperMemory(pc, st, r, arg, map!.KeySize, proto.Name);
                        break;
                    case BpfHelperArgument.PointerToMapValue:
                        HelperMemory(pc, st, r, arg, map!.ValueSize, proto.Name);
                        if (!_env.Privileged && arg.Type == RegisterType.Stack && st.Frames[arg.Frame].Stack.HoldsPointer(arg.Offset, map.ValueSize))
                        {
                            throw new VerifierRejection(pc, $"R{r} leaks addr into map");
                        }

                        break;
                    case BpfHelperArgument.PointerToMemory:
                        memory = arg;
                        memoryReg = r;
                        break;
                    case BpfHelperArgument.ConstSize:
                        if (arg.Type != RegisterType.Scalar)
                        {
                            throw new VerifierRejection(pc, $"R{r} type={Name(arg.Type)} expected=scalar");
                        }

                        if (arg.Bounds.UMin == 0)
                        {
                            throw new VerifierRejection(pc, $"R{r} invalid zero-sized read");
                        }

                        if (arg.Bounds.UMax >= 1 << 29)
                        {
                            throw new VerifierRejection(pc, $"R{r} unbounded memory access, use 'var &= const' or 'if (var < const)'");
                        }

                        HelperMemory(pc, st, memoryReg, memory, (int)arg.Bounds.UMax, proto.Name);
                        break;
                    case BpfHelperArgument.PointerToContext:
                        if (arg.Type != RegisterType.Context || arg.Offset != 0)
                        {
                            throw new VerifierRejection(pc, $"R{r} type={Name(arg.Type)} expected=ctx");
                        }

                        break;
                    case BpfHelperArgument.PointerToRingBufferRecord:
                        if (arg.Type != RegisterType.RingBufferRecord || arg.Offset != 0)
                        {
                            throw new VerifierRejection(pc, $"R{r} type={Name(arg.Type)} expected=ringbuf_mem");
                        }

                        // The record is gone after submit or discard: every copy becomes unusable.
                        st.UpdateById(arg.Id, _ => RegisterState.UnknownScalar);
                        break;
                    default:
                        if (arg.IsPointer && !_env.Privileged)
                        {
                            throw new VerifierRejection(pc, $"R{r} leaks addr into helper function");
                        }

                        break;
                }
            }

            var size = regs[2];
            for (var r = 1; r <= 5; r++)
            {
                regs[r] = RegisterState.NotInit;
            }

            switch (HelperReturns.Of(proto))
            {
                case HelperReturn.MapValueOrNull:
                    regs[0] = RegisterState.Pointer(RegisterType.MapValueOrNull, map: map!.Index, id: ++_nextId);
                    break;
                case HelperReturn.RingBufferRecordOrNull:
                    if (size.Type != RegisterType.Scalar || !size.Bounds.IsConstant || size.Bounds.Value == 0 || size.Bounds.Value > int.MaxValue)
                    {
                        throw new VerifierRejection(pc, "R2 is not a known constant (ringbuf_reserve needs a constant size)");
                    }

                    regs[0] = RegisterState.Pointer(RegisterType.RingBufferRecordOrNull, id: ++_nextId, size: (int)size.Bounds.Value);
                    break;
                default:
                    regs[0] = RegisterState.UnknownScalar;
                    break;
            }

            return pc + 1;
        }

        private static void CheckMapForHelper(int pc, BpfHelperPrototype proto, VerifierMap map)
        {
            var ringHelper = proto.Id is StandardHelpers.RingbufOutput or StandardHelpers.RingbufReserve;
            var ok = proto.Id switch
            {
                StandardHelpers.TailCall => map.Type == BpfMapType.ProgramArray,
                _ when ringHelper => map.Type == BpfMapType.RingBuffer,
                StandardHelpers.MapLookupElem or StandardHelpers.MapUpdateElem or StandardHelpers.MapDeleteElem =>
                    map.Type is not (BpfMapType.RingBuffer or BpfMapType.ProgramArray) || (map.Type == BpfMapType.ProgramArray && proto.Id != StandardHelpers.MapLookupElem),
                _ => true,
            };
            if (!ok)
            {
                throw new VerifierRejection(pc, $"cannot pass map_type {(int)map.Type} into func bpf_{proto.Name}#{proto.Id}");
            }
        }

        private void HelperMemory(int pc, VerifierState st, int reg, RegisterState p, int size, string helper)
        {
            switch (p.Type)
            {
                case RegisterType.Stack:
                {
                    var total = p.Offset;
                    if (total < -StackFrame.Size || total + size > 0)
                    {
                        throw new VerifierRejection(pc, $"invalid indirect access to stack R{reg} off={total} size={size}");
                    }

                    Proof.TouchStack(p.Frame, total);

                    var frame = st.Frames[p.Frame].Stack;
                    for (var i = 0; i < size && !_env.Privileged; i++)
                    {
                        if (!frame.IsInitialized(total + i, 1))
                        {
                            throw new VerifierRejection(pc, $"invalid indirect read from stack R{reg} off {total}+{i} size {size}");
                        }
                    }

                    return;
                }

                case RegisterType.MapValue:
                    CheckRegion(pc, reg, p, 0, size, MapByIndex(p.Map).ValueSize, "map value");
                    return;
                case RegisterType.Packet:
                    if (p.Offset < 0 || p.Offset + size > p.Range || p.Bounds.SMin < 0 || p.Bounds.UMax > 0xFFFF)
                    {
                        throw new VerifierRejection(pc, $"invalid access to packet, off={p.Offset} size={size}, R{reg}(id={p.Id},off={p.Offset},r={p.Range})");
                    }

                    return;
                case RegisterType.RingBufferRecord:
                    CheckRegion(pc, reg, p, 0, size, p.Size, "ringbuf_mem");
                    return;
                case RegisterType.Context when _env.Type == BpfProgramType.Test:
                    return;
                default:
                    throw new VerifierRejection(pc, $"R{reg} type={Name(p.Type)} expected=fp, pkt, map_value (argument of bpf_{helper})");
            }
        }

        private int LocalCall(int pc, BpfInstruction insn, VerifierState st)
        {
            if (st.Frames.Count >= VerifierState.MaxFrames)
            {
                throw new VerifierRejection(pc, $"the call stack of {st.Frames.Count + 1} frames is too deep");
            }

            var caller = st.Registers;
            var callee = new FrameState { ReturnPc = pc + 1 };
            Array.Fill(callee.Registers, RegisterState.NotInit);
            for (var r = 1; r <= 5; r++)
            {
                callee.Registers[r] = caller[r];
            }

            callee.Registers[10] = RegisterState.Pointer(RegisterType.Stack, frame: st.Frames.Count);
            st.Frames.Add(callee);
            return pc + insn.Imm + 1;
        }

        private int ExitCall(int pc, VerifierState st)
        {
            var r0 = Read(pc, st, 0);
            if (st.Frames.Count > 1)
            {
                var frame = st.Frames.Count - 1;
                if (r0.Type == RegisterType.Stack && r0.Frame == frame)
                {
                    throw new VerifierRejection(pc, "cannot return stack pointer to the caller");
                }

                var returnPc = st.Current.ReturnPc;
                st.Frames.RemoveAt(frame);
                var caller = st.Registers;
                caller[0] = r0;
                for (var r = 1; r <= 5; r++)
                {
                    caller[r] = RegisterState.NotInit;
                }

                return returnPc;
            }

            // Privileged programs may return pointers (the kernel's allow_ptr_leaks, checked here as root).
            if (r0.IsPointer && !_env.Privileged)
            {
                throw new VerifierRejection(pc, "R0 leaks addr as return value");
            }

            return -1;
        }
    }
}

