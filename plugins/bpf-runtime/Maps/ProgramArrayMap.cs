using System.Buffers.Binary;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>
/// BPF_MAP_TYPE_PROG_ARRAY: the table of tail-call targets. The syscall side stores a program by
/// the descriptor of its handle (4-byte value); each slot holds a reference to its program. All
/// programs in one array must have the same type (the first one stored sets it). When the last
/// handle or pin of the array goes, it is cleared, as the kernel does to break reference cycles
/// between programs and the arrays they tail-call through.
/// </summary>
public sealed class ProgramArrayMap : BpfMap
{
    private readonly BpfProgram?[] _slots;
    private readonly Lock _lock = new();
    private BpfProgramType? _ownerType;

    private ProgramArrayMap(BpfSystem? system, BpfMapDefinition definition, long charge)
        : base(system, definition, charge)
    {
        _slots = new BpfProgram?[definition.MaxEntries];
    }

    /// <summary>Stores a program directly (the API form of an update with its descriptor).</summary>
    public void Set(uint index, BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var error = Store(index, program);
        if (error != 0)
        {
            throw new BpfException((BpfErrno)error, $"cannot store program '{program.Name}' at index {index} of '{Name}'", -1, "value");
        }
    }

    /// <summary>The program at an index, or null (used by the tail_call helper).</summary>
    internal BpfProgram? Get(uint index) => index < (uint)_slots.Length ? Volatile.Read(ref _slots[index]) : null;

    internal override bool TryLookupElement(ReadOnlySpan<byte> key, out MapValueSlice value)
    {
        // Programs cannot read a program array; only tail_call uses it.
        value = default;
        return false;
    }

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        var program = Get(BinaryPrimitives.ReadUInt32LittleEndian(key));
        if (program is null)
        {
            return (int)BpfErrno.ENOENT;
        }

        // The kernel reports the program's id here.
        BinaryPrimitives.WriteInt32LittleEndian(value, program.Id);
        return 0;
    }

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, bool fromProgram)
    {
        if (fromProgram)
        {
            return (int)BpfErrno.EINVAL;
        }

        var index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (flags == (ulong)BpfMapUpdateFlags.NoExist)
        {
            return (int)BpfErrno.EINVAL;
        }

        var fd = BinaryPrimitives.ReadInt32LittleEndian(value);
        if (System?.GetHandle(fd) is not BpfProgramHandle handle)
        {
            return (int)BpfErrno.EBADF;
        }

        return Store(index, handle.Program);
    }

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key)
    {
        var index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= (uint)_slots.Length)
        {
            return (int)BpfErrno.E2BIG;
        }

        var old = Interlocked.Exchange(ref _slots[index], null);
        if (old is null)
        {
            return (int)BpfErrno.ENOENT;
        }

        old.Release();
        return 0;
    }

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey)
    {
        var index = hasKey ? BinaryPrimitives.ReadUInt32LittleEndian(key) : uint.MaxValue;
        uint next = !hasKey || index >= (uint)MaxEntries ? 0 : index + 1;
        if (next >= (uint)MaxEntries)
        {
            return (int)BpfErrno.ENOENT;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(nextKey, next);
        return 0;
    }

    /// <inheritdoc />
    protected override void OnLastUserReference() => Clear();

    /// <inheritdoc />
    protected override void OnFree() => Clear();

    private int Store(uint index, BpfProgram program)
    {
        if (index >= (uint)_slots.Length)
        {
            return (int)BpfErrno.E2BIG;
        }

        lock (_lock)
        {
            _ownerType ??= program.Type;
            if (_ownerType != program.Type)
            {
                return (int)BpfErrno.EINVAL;
            }
        }

        program.AddReference();
        Interlocked.Exchange(ref _slots[index], program)?.Release();
        return 0;
    }

    private void Clear()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            Interlocked.Exchange(ref _slots[i], null)?.Release();
        }
    }

    /// <summary>The ops table of program arrays.</summary>
    internal sealed class Ops : IBpfMapType
    {
        public BpfMapType Type => BpfMapType.ProgramArray;

        public void Validate(BpfMapDefinition d)
        {
            if (d.ValueSize != 4)
            {
                throw new BpfException(BpfErrno.EINVAL, $"value_size {d.ValueSize}: program arrays hold 4-byte descriptors", -1, "value_size");
            }

            ArrayMap.ValidateArray(d, BpfMapFlags.NumaNode | BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly, perCpu: false);
        }

        public long MemoryCost(BpfMapDefinition d) => (8L * d.MaxEntries) + 4096;

        public BpfMap Create(BpfSystem? system, BpfMapDefinition definition, long charge) => new ProgramArrayMap(system, definition, charge);
    }
}
