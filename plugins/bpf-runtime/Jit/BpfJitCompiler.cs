using System.Reflection;
using System.Reflection.Emit;
using Framework.Plugins.BpfRuntime.Helpers;
using Framework.Plugins.BpfRuntime.Interpreter;
using Framework.Plugins.BpfRuntime.Programs;

namespace Framework.Plugins.BpfRuntime.Jit;

/// <summary>
/// Compiles a loaded program to IL (one <see cref="DynamicMethod"/> per program) for the .NET JIT:
/// registers become IL locals, jumps become branches, helper calls become direct calls to the
/// helper's method, local calls save r6-r10 and return through one switch over the call sites.
/// Memory is the interpreter's (the same regions and faults); in the checked mode every load,
/// store and atomic operation goes through the region bounds check, and an
/// <see cref="IBpfAccessProof"/> from a verifier lets it drop the check where the access was
/// proven in bounds. The instruction budget is charged once per basic block.
/// </summary>
internal static class BpfJitCompiler
{
    /// <summary>Registers saved per caller frame by a local call (r6-r10).</summary>
    public const int SavedPerFrame = 5;

    /// <summary>Programs longer than this are interpreted: the .NET JIT's cost grows faster than
    /// linearly with method size, and such programs gain little from compilation.</summary>
    public const int MaxCompiledInstructions = 100_000;

    // Arguments of the dynamic method: the helper table (closed over), then the delegate's.
    private const byte FrameArgument = 4;
    private const byte RemainingArgument = 5;

    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static readonly MethodInfo s_access = Method<BpfInterpreter>(nameof(BpfInterpreter.Access));
    private static readonly MethodInfo s_accessProven = Method<BpfInterpreter>(nameof(BpfInterpreter.AccessProven));
    private static readonly MethodInfo s_regionBase = Method<BpfInterpreter>(nameof(BpfInterpreter.JitRegionBase));
    private static readonly MethodInfo s_accessAudited = Method<BpfInterpreter>(nameof(BpfInterpreter.AccessAudited));
    private static readonly MethodInfo s_atomic = Method<BpfInterpreter>(nameof(BpfInterpreter.Atomic));
    private static readonly MethodInfo s_mapValue = Method<BpfInterpreter>(nameof(BpfInterpreter.LoadMapValueAddress));
    private static readonly MethodInfo s_enterFrame = Method<BpfInterpreter>(nameof(BpfInterpreter.JitEnterFrame));
    private static readonly MethodInfo s_leaveFrame = Method<BpfInterpreter>(nameof(BpfInterpreter.JitLeaveFrame));
    private static readonly MethodInfo s_tailPending = typeof(BpfInterpreter).GetProperty(nameof(BpfInterpreter.JitTailCallPending), Any)!.GetMethod!;
    private static readonly MethodInfo s_tailFromSubprogram = Method<BpfInterpreter>(nameof(BpfInterpreter.JitTailCallFromSubprogram));
    private static readonly MethodInfo s_loadPacket = Method<BpfInterpreter>(nameof(BpfInterpreter.JitLoadPacket));
    private static readonly MethodInfo s_callX = Method<BpfInterpreter>(nameof(BpfInterpreter.JitCallX));
    private static readonly MethodInfo s_budget = Method<BpfInterpreter>(nameof(BpfInterpreter.JitBudgetExhausted));
    private static readonly MethodInfo s_fellOff = Method<BpfInterpreter>(nameof(BpfInterpreter.JitFellOff));
    private static readonly MethodInfo s_saved = typeof(BpfInterpreter).GetProperty(nameof(BpfInterpreter.JitSaved), Any)!.GetMethod!;
    private static readonly MethodInfo s_returnSites = typeof(BpfInterpreter).GetProperty(nameof(BpfInterpreter.JitReturnSites), Any)!.GetMethod!;
    private static readonly MethodInfo s_invoke = typeof(BpfHelperFunction).GetMethod(nameof(BpfHelperFunction.Invoke))!;

    // Indexed like the interpreter's ALU block: Add, Sub, Mul, Div, SDiv, Or, And, Lsh, Rsh, Mod, SMod, Xor, Mov, Arsh.
    private static readonly string[] s_divisions = ["Div", "SDiv", string.Empty, string.Empty, string.Empty, string.Empty, "Mod", "SMod"];

    // Indexed like the interpreter's jump block: Eq, Gt, Ge, Set, Ne, Sgt, Sge, Lt, Le, Slt, Sle.
    private static readonly OpCode[] s_branches =
        [OpCodes.Beq, OpCodes.Bgt_Un, OpCodes.Bge_Un, OpCodes.Brtrue, OpCodes.Bne_Un, OpCodes.Bgt, OpCodes.Bge, OpCodes.Blt_Un, OpCodes.Ble_Un, OpCodes.Blt, OpCodes.Ble];

    private static readonly Dictionary<Op, (string Name, bool Fetch)> s_atomics = new()
    {
        [Op.AtomicAdd32] = ("FetchAdd32", false), [Op.AtomicOr32] = ("FetchOr32", false), [Op.AtomicAnd32] = ("FetchAnd32", false), [Op.AtomicXor32] = ("FetchXor32", false),
        [Op.AtomicFetchAdd32] = ("FetchAdd32", true), [Op.AtomicFetchOr32] = ("FetchOr32", true), [Op.AtomicFetchAnd32] = ("FetchAnd32", true), [Op.AtomicFetchXor32] = ("FetchXor32", true),
        [Op.AtomicXchg32] = ("Xchg32", true), [Op.AtomicCmpXchg32] = ("CmpXchg32", true),
        [Op.AtomicAdd64] = ("FetchAdd64", false), [Op.AtomicOr64] = ("FetchOr64", false), [Op.AtomicAnd64] = ("FetchAnd64", false), [Op.AtomicXor64] = ("FetchXor64", false),
        [Op.AtomicFetchAdd64] = ("FetchAdd64", true), [Op.AtomicFetchOr64] = ("FetchOr64", true), [Op.AtomicFetchAnd64] = ("FetchAnd64", true), [Op.AtomicFetchXor64] = ("FetchXor64", true),
        [Op.AtomicXchg64] = ("Xchg64", true), [Op.AtomicCmpXchg64] = ("CmpXchg64", true),
    };

    /// <summary>Compiles a program; null when it is too long to compile (it is then interpreted).</summary>
    /// <param name="program">The loaded program.</param>
    /// <param name="proof">Accesses a verifier proved in bounds, or null to check every one.</param>
    /// <param name="auditProofs">Check the proven accesses too, failing with
    /// <see cref="InvalidOperationException"/> where the proof was wrong (tests of the verifier).</param>
    public static BpfCompiledProgram? Compile(BpfProgram program, IBpfAccessProof? proof = null, bool auditProofs = false)
    {
        var code = program.Code;
        if (code.Length > MaxCompiledInstructions)
        {
            return null;
        }

        var method = new DynamicMethod(
            "bpf_" + program.Name,
            typeof(ulong),
            [typeof(BpfHelperFunction[]), typeof(BpfInterpreter), typeof(ulong), typeof(ulong), typeof(int), typeof(long).MakeByRefType()],
            typeof(BpfJitCompiler).Module,
            skipVisibility: true);
        new Emitter(method.GetILGenerator(), code, program.HelperTable, proof, auditProofs).Emit();
        return (BpfCompiledProgram)method.CreateDelegate(typeof(BpfCompiledProgram), program.HelperTable);
    }

    private static MethodInfo Method<T>(string name) => typeof(T).GetMethod(name, Any)!;

    private static MethodInfo Ops(string name) => typeof(JitOps).GetMethod(name, Any)!;

    /// <summary>One compilation: the IL generator, labels per instruction and the locals.</summary>
    private sealed class Emitter
    {
        private readonly ILGenerator _il;
        private readonly Slot[] _code;
        private readonly BpfHelperFunction[] _helpers;
        private readonly IBpfAccessProof? _proof;
        private readonly bool _auditProofs;
        private readonly Label[] _labels;
        private readonly bool[] _leaders;
        private readonly LocalBuilder[] _r = new LocalBuilder[11];
        private readonly LocalBuilder?[] _regionBases = new LocalBuilder?[4];
        private readonly List<Label> _returnSites = [];
        private readonly bool _hasLocalCalls;
        private LocalBuilder _remaining = null!;
        private LocalBuilder _frame = null!;
        private LocalBuilder _saved = null!;
        private LocalBuilder _sites = null!;
        private LocalBuilder _inside = null!;
        private Label _pop;
        private int _pc;

        // Results chained on the IL stack before one is stored anyway: the chain is one expression
        // tree for the .NET JIT, and this keeps its depth (the JIT's recursion) small.
        private const int MaxChained = 64;

        // The register whose new value an instruction left on the IL stack for the next one, which
        // reads it first, instead of storing it to its local (-1: none). A long run of operations
        // on one register (4,000 dependent ALU instructions) then costs the .NET JIT a few IL
        // instructions each and no local references, where a store and a load each would push the
        // method past the JIT's limits for full optimization (20,000 IL instructions, 8,000 local
        // references) and have it compiled with MinOpts, every register in memory.
        private int _onStack = -1;
        private int _chained;

        public Emitter(ILGenerator il, Slot[] code, BpfHelperFunction[] helpers, IBpfAccessProof? proof, bool auditProofs)
        {
            _auditProofs = auditProofs;
            _il = il;
            _code = code;
            _helpers = helpers;
            _proof = proof;
            _labels = new Label[code.Length];
            _leaders = new bool[code.Length];
            _hasLocalCalls = code.Any(s => s.Op == Op.CallLocal);
        }

        public void Emit()
        {
            FindLeaders();
            for (var i = 0; i < _code.Length; i++)
            {
                _labels[i] = _il.DefineLabel();
            }

            for (var i = 0; i < _r.Length; i++)
            {
                _r[i] = _il.DeclareLocal(typeof(ulong));
            }

            _remaining = _il.DeclareLocal(typeof(long));
            _frame = _il.DeclareLocal(typeof(int));
            _inside = _il.DeclareLocal(typeof(bool));
            _pop = _il.DefineLabel();

            // Prologue: r1, r2, the frame, r10 (the top of that frame) and the budget.
            _il.Emit(OpCodes.Ldarg_2);
            _il.Emit(OpCodes.Stloc, _r[1]);
            _il.Emit(OpCodes.Ldarg_3);
            _il.Emit(OpCodes.Stloc, _r[2]);
            _il.Emit(OpCodes.Ldarg_S, FrameArgument);
            _il.Emit(OpCodes.Stloc, _frame);
            _il.Emit(OpCodes.Ldc_I8, (long)BpfInterpreter.InitialFramePointer);
            _il.Emit(OpCodes.Ldloc, _frame);
            _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.Ldc_I8, (long)BpfInterpreter.StackFrameSize);
            _il.Emit(OpCodes.Mul);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Stloc, _r[10]);
            _il.Emit(OpCodes.Ldarg_S, RemainingArgument);
            _il.Emit(OpCodes.Ldind_I8);
            _il.Emit(OpCodes.Stloc, _remaining);
            LoadRegionBases();
            if (_hasLocalCalls)
            {
                _saved = _il.DeclareLocal(typeof(ulong[]));
                _sites = _il.DeclareLocal(typeof(int[]));
                _il.Emit(OpCodes.Ldarg_1);
                _il.Emit(OpCodes.Call, s_saved);
                _il.Emit(OpCodes.Stloc, _saved);
                _il.Emit(OpCodes.Ldarg_1);
                _il.Emit(OpCodes.Call, s_returnSites);
                _il.Emit(OpCodes.Stloc, _sites);
            }

            for (var pc = 0; pc < _code.Length; pc++)
            {
                _il.MarkLabel(_labels[pc]);
                if (_leaders[pc])
                {
                    ChargeBlock(pc);
                }

                _pc = pc;
                Instruction(pc);
            }

            if (_onStack >= 0)
            {
                throw new InvalidOperationException($"JIT: r{_onStack} was left on the IL stack after the last instruction");
            }

            if (_hasLocalCalls)
            {
                EmitPop();
            }
        }

        private static bool IsWide(Op op) => op is Op.LdImm64 or Op.LdMapPointer or Op.LdMapValue;

        private static bool EndsBlock(Op op) => op is Op.Ja or Op.Exit or Op.CallLocal or Op.CallHelper or Op.CallX or (>= Op.JEq64Imm and <= Op.JSle32Reg);

        private void FindLeaders()
        {
            _leaders[0] = true;
            for (var i = 0; i < _code.Length; i++)
            {
                var s = _code[i];
                if (s.Op is Op.Ja or Op.CallLocal or (>= Op.JEq64Imm and <= Op.JSle32Reg))
                {
                    if ((uint)s.Off < (uint)_code.Length)
                    {
                        _leaders[s.Off] = true;
                    }
                }

                if (EndsBlock(s.Op) && i + 1 < _code.Length)
                {
                    _leaders[i + 1] = true;
                }
            }
        }

        /// <summary>Charges the instructions of the basic block starting at <paramref name="pc"/>.</summary>
        private void ChargeBlock(int pc)
        {
            long count = 0;
            for (var i = pc; i < _code.Length && (i == pc || !_leaders[i]); i++)
            {
                if (_code[i].Op == Op.FellOff && i > 0 && IsWide(_code[i - 1].Op))
                {
                    continue;
                }

                count++;
            }

            var ok = _il.DefineLabel();
            _il.Emit(OpCodes.Ldloc, _remaining);
            _il.Emit(OpCodes.Ldc_I8, count);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Dup);
            _il.Emit(OpCodes.Stloc, _remaining);
            _il.Emit(OpCodes.Ldc_I8, 0L);
            _il.Emit(OpCodes.Bge, ok);
            _il.Emit(OpCodes.Ldarg_1);
            _il.Emit(OpCodes.Ldc_I4, pc);
            _il.Emit(OpCodes.Call, s_budget);
            _il.Emit(OpCodes.Throw);
            _il.MarkLabel(ok);
        }

        private void Instruction(int pc)
        {
            var s = _code[pc];
            var op = s.Op;
            switch (op)
            {
                case Op.Nop:
                    return;
                case >= Op.Add64Imm and <= Op.Arsh32Reg:
                    Alu(s);
                    return;
                case Op.Neg64:
                    Result(s.Dst, () => { Load(s.Dst); _il.Emit(OpCodes.Neg); });
                    return;
                case Op.Neg32:
                    Result(s.Dst, () => { Load(s.Dst); _il.Emit(OpCodes.Conv_U4); _il.Emit(OpCodes.Neg); _il.Emit(OpCodes.Conv_U8); });
                    return;
                case >= Op.MovSx8To64 and <= Op.MovSx16To32:
                    Result(s.Dst, () =>
                    {
                        Load(s.Src);
                        _il.Emit(op is Op.MovSx8To64 or Op.MovSx8To32 ? OpCodes.Conv_I1 : op is Op.MovSx32To64 ? OpCodes.Conv_I4 : OpCodes.Conv_I2);
                        _il.Emit(op is Op.MovSx8To32 or Op.MovSx16To32 ? OpCodes.Conv_U8 : OpCodes.Conv_I8);
                    });
                    return;
                case Op.Le16:
                    Result(s.Dst, () => { Load(s.Dst); _il.Emit(OpCodes.Conv_U2); _il.Emit(OpCodes.Conv_U8); });
                    return;
                case Op.Le32:
                    Result(s.Dst, () => { Load(s.Dst); _il.Emit(OpCodes.Conv_U4); _il.Emit(OpCodes.Conv_U8); });
                    return;
                case Op.Be16 or Op.Bswap16 or Op.Be32 or Op.Bswap32 or Op.Be64 or Op.Bswap64:
                    Result(s.Dst, () =>
                    {
                        Load(s.Dst);
                        _il.Emit(OpCodes.Call, Ops(op is Op.Be16 or Op.Bswap16 ? nameof(JitOps.Swap16) : op is Op.Be32 or Op.Bswap32 ? nameof(JitOps.Swap32) : nameof(JitOps.Swap64)));
                    });
                    return;
                case Op.Ja:
                    _il.Emit(OpCodes.Br, _labels[s.Off]);
                    return;
                case >= Op.JEq64Imm and <= Op.JSle32Reg:
                    Jump(s);
                    return;
                case Op.LdImm64 or Op.LdMapPointer:
                    Store(s.Dst, () => Constant(s.Imm));
                    _il.Emit(OpCodes.Br, _labels[pc + 2]);
                    return;
                case Op.LdMapValue:
                    Store(s.Dst, () =>
                    {
                        _il.Emit(OpCodes.Ldarg_1);
                        _il.Emit(OpCodes.Ldc_I4, s.Off);
                        _il.Emit(OpCodes.Ldc_I8, s.Imm);
                        _il.Emit(OpCodes.Ldc_I4, pc);
                        _il.Emit(OpCodes.Call, s_mapValue);
                    });
                    _il.Emit(OpCodes.Br, _labels[pc + 2]);
                    return;
                case >= Op.LdxB and <= Op.LdxSW:
                    LoadMemory(s, pc);
                    return;
                case >= Op.StB and <= Op.StxDW:
                    StoreMemory(s, pc);
                    return;
                case >= Op.AtomicAdd32 and <= Op.AtomicCmpXchg64:
                    Atomic(s, pc);
                    return;
                case >= Op.LdAbsB and <= Op.LdIndW:
                    LoadPacket(s);
                    return;
                case Op.CallHelper or Op.CallX:
                    CallHelper(s, pc);
                    return;
                case Op.CallLocal:
                    CallLocal(s, pc);
                    return;
                case Op.Exit:
                    if (_hasLocalCalls)
                    {
                        // Above the frame this code was entered in, exit returns from a local call.
                        _il.Emit(OpCodes.Ldloc, _frame);
                        _il.Emit(OpCodes.Ldarg_S, FrameArgument);
                        _il.Emit(OpCodes.Bne_Un, _pop);
                    }

                    Return(() => Load(0));
                    return;
                default:
                    _il.Emit(OpCodes.Ldc_I4, pc);
                    _il.Emit(OpCodes.Ldc_I4, pc == _code.Length - 1 ? 1 : 0);
                    _il.Emit(OpCodes.Call, s_fellOff);
                    _il.Emit(OpCodes.Throw);
                    return;
            }
        }

        private void Alu(Slot s)
        {
            var is64 = s.Op < Op.Add32Imm;
            var k = s.Op - (is64 ? Op.Add64Imm : Op.Add32Imm);
            var index = k / 2;
            var isReg = k % 2 == 1;
            void Operand()
            {
                if (isReg)
                {
                    Load(s.Src);
                }
                else
                {
                    Constant(s.Imm);
                }
            }

            switch (index)
            {
                case 12: // Mov
                    Result(s.Dst, () =>
                    {
                        Operand();
                        if (!is64)
                        {
                            _il.Emit(OpCodes.Conv_U4);
                            _il.Emit(OpCodes.Conv_U8);
                        }
                    });
                    return;
                case 3 or 4 or 9 or 10: // Div, SDiv, Mod, SMod
                    Result(s.Dst, () =>
                    {
                        Load(s.Dst);
                        Operand();
                        _il.Emit(OpCodes.Call, Ops(s_divisions[index - 3] + (is64 ? "64" : "32")));
                    });
                    return;
                case 7 or 8 or 13: // Lsh, Rsh, Arsh
                    Result(s.Dst, () =>
                    {
                        Load(s.Dst);
                        if (!is64)
                        {
                            _il.Emit(OpCodes.Conv_U4);
                        }

                        if (isReg)
                        {
                            Load(s.Src);
                            _il.Emit(OpCodes.Conv_I4);
                            _il.Emit(OpCodes.Ldc_I4, is64 ? 63 : 31);
                            _il.Emit(OpCodes.And);
                        }
                        else
                        {
                            Int32Constant((int)(s.Imm & (is64 ? 63 : 31)));
                        }

                        _il.Emit(index == 7 ? OpCodes.Shl : index == 8 ? OpCodes.Shr_Un : OpCodes.Shr);
                        if (!is64)
                        {
                            _il.Emit(OpCodes.Conv_U8);
                        }
                    });
                    return;
                default:
                    Result(s.Dst, () =>
                    {
                        Load(s.Dst);
                        Operand();
                        _il.Emit(index switch
                        {
                            0 => OpCodes.Add,
                            1 => OpCodes.Sub,
                            2 => OpCodes.Mul,
                            5 => OpCodes.Or,
                            6 => OpCodes.And,
                            _ => OpCodes.Xor,
                        });
                        if (!is64)
                        {
                            _il.Emit(OpCodes.Conv_U4);
                            _il.Emit(OpCodes.Conv_U8);
                        }
                    });
                    return;
            }
        }

        private void Jump(Slot s)
        {
            var k = s.Op - Op.JEq64Imm;
            var condition = k / 4;
            var is32 = k % 4 >= 2;
            var isReg = k % 2 == 1;
            Load(s.Dst);
            if (is32)
            {
                _il.Emit(OpCodes.Conv_U4);
            }

            if (isReg)
            {
                Load(s.Src);
                if (is32)
                {
                    _il.Emit(OpCodes.Conv_U4);
                }
            }
            else if (is32)
            {
                Int32Constant((int)s.Imm);
            }
            else
            {
                Constant(s.Imm);
            }

            if (condition == 3)
            {
                _il.Emit(OpCodes.And);
            }

            _il.Emit(s_branches[condition], _labels[s.Off]);
        }

        /// <summary>Pushes the ref byte of a checked (or proven) access to <c>reg + off</c>.</summary>
        private void Address(int reg, int off, int size, bool write, int pc, bool atomic = false)
        {
            if (!atomic && !_auditProofs && ProvenBase(pc) is { } regionBase)
            {
                // Proven inside a fixed region: its first byte plus the offset in it.
                _il.Emit(OpCodes.Ldloc, regionBase);
                Load(reg);
                Constant(off - ((long)_proof!.RegionOf(pc) << 24));
                _il.Emit(OpCodes.Add);
                _il.Emit(OpCodes.Conv_I);
                _il.Emit(OpCodes.Add);
                return;
            }

            _il.Emit(OpCodes.Ldarg_1);
            Load(reg);
            Constant(off);
            _il.Emit(OpCodes.Add);
            if (!atomic && _proof?.IsInBounds(pc) == true)
            {
                if (_auditProofs)
                {
                    _il.Emit(OpCodes.Ldc_I4, size);
                    _il.Emit(write ? OpCodes.Ldc_I4_1 : OpCodes.Ldc_I4_0);
                    _il.Emit(OpCodes.Ldc_I4, pc);
                    _il.Emit(OpCodes.Call, s_accessAudited);
                    return;
                }

                _il.Emit(OpCodes.Call, s_accessProven);
                return;
            }

            _il.Emit(OpCodes.Ldc_I4, size);
            if (!atomic)
            {
                _il.Emit(write ? OpCodes.Ldc_I4_1 : OpCodes.Ldc_I4_0);
            }

            _il.Emit(OpCodes.Ldc_I4, pc);
            _il.Emit(OpCodes.Call, atomic ? s_atomic : s_access);
        }

        /// <summary>The local holding the first byte of the fixed region that the access at
        /// <paramref name="pc"/> was proven to lie in, or null.</summary>
        private LocalBuilder? ProvenBase(int pc) =>
            _proof is { } proof && proof.IsInBounds(pc) && proof.RegionOf(pc) is var region && region != ProvenRegion.Unknown ? _regionBases[(int)region] : null;

        /// <summary>Takes the first byte of each fixed region that proven accesses use, once per
        /// entry (the regions do not move during a run).</summary>
        private void LoadRegionBases()
        {
            if (_proof is null || _auditProofs)
            {
                return;
            }

            for (var pc = 0; pc < _code.Length; pc++)
            {
                if (_code[pc].Op is (>= Op.LdxB and <= Op.LdxSW) or (>= Op.StB and <= Op.StxDW)
                    && _proof.IsInBounds(pc) && _proof.RegionOf(pc) is var region && region != ProvenRegion.Unknown
                    && _regionBases[(int)region] is null)
                {
                    var local = _il.DeclareLocal(typeof(byte).MakeByRefType());
                    _il.Emit(OpCodes.Ldarg_1);
                    _il.Emit(OpCodes.Ldc_I4, (int)region);
                    _il.Emit(OpCodes.Call, s_regionBase);
                    _il.Emit(OpCodes.Stloc, local);
                    _regionBases[(int)region] = local;
                }
            }
        }

        private void LoadMemory(Slot s, int pc)
        {
            var (size, ldind, signed) = s.Op switch
            {
                Op.LdxB => (1, OpCodes.Ldind_U1, false),
                Op.LdxH => (2, OpCodes.Ldind_U2, false),
                Op.LdxW => (4, OpCodes.Ldind_U4, false),
                Op.LdxDW => (8, OpCodes.Ldind_I8, false),
                Op.LdxSB => (1, OpCodes.Ldind_I1, true),
                Op.LdxSH => (2, OpCodes.Ldind_I2, true),
                _ => (4, OpCodes.Ldind_I4, true),
            };
            Store(s.Dst, () =>
            {
                Address(s.Src, s.Off, size, false, pc);
                if (size > 1)
                {
                    _il.Emit(OpCodes.Unaligned, (byte)1);
                }

                _il.Emit(ldind);
                if (size < 8)
                {
                    _il.Emit(signed ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
                }
            });
        }

        private void StoreMemory(Slot s, int pc)
        {
            var fromReg = s.Op >= Op.StxB;
            var size = ((s.Op - (fromReg ? Op.StxB : Op.StB)) switch { 0 => 1, 1 => 2, 2 => 4, _ => 8 });
            Address(s.Dst, s.Off, size, true, pc);
            if (fromReg)
            {
                Load(s.Src);
                if (size < 8)
                {
                    _il.Emit(OpCodes.Conv_U4);
                }
            }
            else if (size < 8)
            {
                Int32Constant((int)s.Imm);
            }
            else
            {
                Constant(s.Imm);
            }

            if (size > 1)
            {
                _il.Emit(OpCodes.Unaligned, (byte)1);
            }

            _il.Emit(size switch { 1 => OpCodes.Stind_I1, 2 => OpCodes.Stind_I2, 4 => OpCodes.Stind_I4, _ => OpCodes.Stind_I8 });
        }

        private void Atomic(Slot s, int pc)
        {
            var (name, fetch) = s_atomics[s.Op];
            var cmpxchg = s.Op is Op.AtomicCmpXchg32 or Op.AtomicCmpXchg64;
            Address(s.Dst, s.Off, s.Op <= Op.AtomicCmpXchg32 ? 4 : 8, true, pc, atomic: true);
            Load(s.Src);
            if (cmpxchg)
            {
                Load(0);
            }

            _il.Emit(OpCodes.Call, Ops(name));
            if (!fetch)
            {
                _il.Emit(OpCodes.Pop);
            }
            else
            {
                _il.Emit(OpCodes.Stloc, _r[cmpxchg ? 0 : s.Src]);
            }
        }

        private void LoadPacket(Slot s)
        {
            var isInd = s.Op >= Op.LdIndB;
            var size = (s.Op - (isInd ? Op.LdIndB : Op.LdAbsB)) switch { 0 => 1, 1 => 2, _ => 4 };
            _il.Emit(OpCodes.Ldarg_1);
            _il.Emit(OpCodes.Ldc_I8, (long)(int)s.Imm);
            if (isInd)
            {
                Load(s.Src);
                _il.Emit(OpCodes.Conv_I4);
                _il.Emit(OpCodes.Conv_I8);
                _il.Emit(OpCodes.Add);
            }

            _il.Emit(OpCodes.Ldc_I4, size);
            _il.Emit(OpCodes.Ldloca, _inside);
            _il.Emit(OpCodes.Call, s_loadPacket);
            _il.Emit(OpCodes.Stloc, _r[0]);
            var inside = _il.DefineLabel();
            _il.Emit(OpCodes.Ldloc, _inside);
            _il.Emit(OpCodes.Brtrue, inside);

            // Outside the packet the program ends with r0 = 0, as in the kernel.
            Return(() => _il.Emit(OpCodes.Ldc_I8, 0L));
            _il.MarkLabel(inside);
        }

        private void CallHelper(Slot s, int pc)
        {
            if (s.Op == Op.CallX)
            {
                _il.Emit(OpCodes.Ldarg_1);
                Load(s.Dst);
                _il.Emit(OpCodes.Ldc_I4, pc);
                LoadArguments();
                _il.Emit(OpCodes.Call, s_callX);
            }
            else
            {
                var helper = _helpers[s.Off];
                if (helper.Method.IsStatic && helper.Target is null)
                {
                    // A direct call: the .NET JIT sees the helper's method and may inline it.
                    _il.Emit(OpCodes.Ldarg_1);
                    LoadArguments();
                    _il.Emit(OpCodes.Call, helper.Method);
                }
                else
                {
                    _il.Emit(OpCodes.Ldarg_0);
                    _il.Emit(OpCodes.Ldc_I4, s.Off);
                    _il.Emit(OpCodes.Ldelem_Ref);
                    _il.Emit(OpCodes.Ldarg_1);
                    LoadArguments();
                    _il.Emit(OpCodes.Callvirt, s_invoke);
                }
            }

            _il.Emit(OpCodes.Stloc, _r[0]);
            if (s.Op == Op.CallX || s.Imm == StandardHelpers.TailCall)
            {
                // A pending tail call: in the frame this code was entered in, return and let the
                // caller switch programs; in a subprogram, run the target in its place (same frame,
                // same context) and return from the subprogram with the target's r0.
                var none = _il.DefineLabel();
                _il.Emit(OpCodes.Ldarg_1);
                _il.Emit(OpCodes.Call, s_tailPending);
                _il.Emit(OpCodes.Brfalse, none);
                if (_hasLocalCalls)
                {
                    var subprogram = _il.DefineLabel();
                    _il.Emit(OpCodes.Ldloc, _frame);
                    _il.Emit(OpCodes.Ldarg_S, FrameArgument);
                    _il.Emit(OpCodes.Bne_Un, subprogram);
                    Return(() => _il.Emit(OpCodes.Ldc_I8, 0L));
                    _il.MarkLabel(subprogram);
                    _il.Emit(OpCodes.Ldarg_S, RemainingArgument);
                    _il.Emit(OpCodes.Ldloc, _remaining);
                    _il.Emit(OpCodes.Stind_I8);
                    Store(0, () =>
                    {
                        _il.Emit(OpCodes.Ldarg_1);
                        _il.Emit(OpCodes.Ldloc, _frame);
                        Load(1);
                        _il.Emit(OpCodes.Ldarg_S, RemainingArgument);
                        _il.Emit(OpCodes.Call, s_tailFromSubprogram);
                    });
                    _il.Emit(OpCodes.Ldarg_S, RemainingArgument);
                    _il.Emit(OpCodes.Ldind_I8);
                    _il.Emit(OpCodes.Stloc, _remaining);
                    _il.Emit(OpCodes.Br, _pop);
                }
                else
                {
                    Return(() => _il.Emit(OpCodes.Ldc_I8, 0L));
                }

                _il.MarkLabel(none);
            }
        }

        private void LoadArguments()
        {
            for (var i = 1; i <= 5; i++)
            {
                Load(i);
            }
        }

        private void CallLocal(Slot s, int pc)
        {
            for (var k = 0; k < SavedPerFrame; k++)
            {
                _il.Emit(OpCodes.Ldloc, _saved);
                _il.Emit(OpCodes.Ldloc, _frame);
                _il.Emit(OpCodes.Ldc_I4, SavedPerFrame);
                _il.Emit(OpCodes.Mul);
                _il.Emit(OpCodes.Ldc_I4, k);
                _il.Emit(OpCodes.Add);
                Load(6 + k);
                _il.Emit(OpCodes.Stelem_I8);
            }

            _il.Emit(OpCodes.Ldloc, _sites);
            _il.Emit(OpCodes.Ldloc, _frame);
            _il.Emit(OpCodes.Ldc_I4, _returnSites.Count);
            _il.Emit(OpCodes.Stelem_I4);
            _returnSites.Add(_labels[pc + 1]);
            _il.Emit(OpCodes.Ldloc, _frame);
            _il.Emit(OpCodes.Ldc_I4_1);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Stloc, _frame);
            Store(10, () =>
            {
                _il.Emit(OpCodes.Ldarg_1);
                _il.Emit(OpCodes.Ldloc, _frame);
                _il.Emit(OpCodes.Ldc_I4, pc);
                _il.Emit(OpCodes.Call, s_enterFrame);
            });
            _il.Emit(OpCodes.Br, _labels[s.Off]);
        }

        /// <summary>Exit from a subprogram: restores the caller's r6-r10 and stack frame and returns
        /// through the switch over the call sites.</summary>
        private void EmitPop()
        {
            _il.MarkLabel(_pop);
            _il.Emit(OpCodes.Ldloc, _frame);
            _il.Emit(OpCodes.Ldc_I4_1);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Stloc, _frame);
            for (var k = 0; k < SavedPerFrame; k++)
            {
                Store(6 + k, () =>
                {
                    _il.Emit(OpCodes.Ldloc, _saved);
                    _il.Emit(OpCodes.Ldloc, _frame);
                    _il.Emit(OpCodes.Ldc_I4, SavedPerFrame);
                    _il.Emit(OpCodes.Mul);
                    _il.Emit(OpCodes.Ldc_I4, k);
                    _il.Emit(OpCodes.Add);
                    _il.Emit(OpCodes.Ldelem_I8);
                });
            }

            _il.Emit(OpCodes.Ldarg_1);
            _il.Emit(OpCodes.Ldloc, _frame);
            _il.Emit(OpCodes.Call, s_leaveFrame);
            _il.Emit(OpCodes.Ldloc, _sites);
            _il.Emit(OpCodes.Ldloc, _frame);
            _il.Emit(OpCodes.Ldelem_I4);
            _il.Emit(OpCodes.Switch, _returnSites.ToArray());
            _il.Emit(OpCodes.Ldc_I4, _code.Length - 1);
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Call, s_fellOff);
            _il.Emit(OpCodes.Throw);
        }

        private void Return(Action value)
        {
            _il.Emit(OpCodes.Ldarg_S, RemainingArgument);
            _il.Emit(OpCodes.Ldloc, _remaining);
            _il.Emit(OpCodes.Stind_I8);
            value();
            _il.Emit(OpCodes.Ret);
        }

        private void Load(int register)
        {
            if (_onStack < 0)
            {
                _il.Emit(OpCodes.Ldloc, _r[register]);
                return;
            }

            // Only the instruction that ReadsFirst chose may take the value, and only as its first read.
            if (_onStack != register)
            {
                throw new InvalidOperationException($"JIT: instruction {_pc} reads r{register} while r{_onStack} is on the IL stack");
            }

            _onStack = -1;
        }

        /// <summary>Stores an ALU result to its register, or leaves it on the IL stack when the next
        /// instruction, in the same block, is an operation on that register that reads it first.</summary>
        private void Result(int register, Action value)
        {
            value();
            if (_pc + 1 < _code.Length && !_leaders[_pc + 1] && ReadsFirst(_code[_pc + 1], register) && ++_chained < MaxChained)
            {
                _onStack = register;
            }
            else
            {
                _il.Emit(OpCodes.Stloc, _r[register]);
                _chained = 0;
            }
        }

        /// <summary>Whether an instruction's code begins by loading <paramref name="register"/> as its
        /// destination, reads it nowhere else, and ends with <see cref="Result"/> (so that the value
        /// reaches the register's local again).</summary>
        private static bool ReadsFirst(Slot next, int register)
        {
            if (next.Dst != register)
            {
                return false;
            }

            if (next.Op is >= Op.Add64Imm and <= Op.Arsh32Reg)
            {
                var k = next.Op - (next.Op < Op.Add32Imm ? Op.Add64Imm : Op.Add32Imm);
                var isReg = k % 2 == 1;
                return k / 2 != 12 && !(isReg && next.Src == register); // not a mov; no second read
            }

            return next.Op is Op.Neg64 or Op.Neg32 or Op.Le16 or Op.Le32
                or Op.Be16 or Op.Bswap16 or Op.Be32 or Op.Bswap32 or Op.Be64 or Op.Bswap64;
        }

        /// <summary>Pushes a 64-bit constant in the shortest IL form: a large method (thousands of
        /// instructions) stays under the .NET JIT's size limits for full optimization for longer.</summary>
        private void Constant(long value)
        {
            if (value is >= int.MinValue and <= int.MaxValue)
            {
                Int32Constant((int)value);
                _il.Emit(OpCodes.Conv_I8);
            }
            else
            {
                _il.Emit(OpCodes.Ldc_I8, value);
            }
        }

        private void Int32Constant(int value)
        {
            if (value is >= sbyte.MinValue and <= sbyte.MaxValue)
            {
                _il.Emit(OpCodes.Ldc_I4_S, (sbyte)value);
            }
            else
            {
                _il.Emit(OpCodes.Ldc_I4, value);
            }
        }

        private void Store(int register, Action value)
        {
            value();
            _il.Emit(OpCodes.Stloc, _r[register]);
        }
    }
}
