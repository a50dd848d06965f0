using System.Buffers.Binary;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>
/// Array maps, plain and per-CPU: 4-byte keys are indexes below max_entries, every element always
/// exists (zero-filled), updates copy in place, delete is EINVAL and BPF_NOEXIST is EEXIST.
/// Values are laid out 8-byte aligned. A plain array also has a direct value address for
/// <c>lddw map_value(fd+off)</c> (element 0).
/// </summary>
public sealed class ArrayMap : BpfMap
{
    private const int KmallocMaxSize = 4 << 20;
    private const int PcpuMinUnitSize = 32 << 10;
    private readonly byte[] _data;
    private readonly int _stride;
    private readonly int _copies;

    private ArrayMap(BpfSystem? system, BpfMapDefinition definition, long charge)
        : base(system, definition, charge)
    {
        _stride = Round8(definition.ValueSize);
        _copies = definition.Type == BpfMapType.PerCpuArray ? PossibleCpus : 1;
        _data = new byte[(long)_stride * _copies * definition.MaxEntries];
    }

    /// <inheritdoc />
    public override int UserValueSize => _copies == 1 ? ValueSize : _stride * _copies;

    internal override bool TryLookupElement(ReadOnlySpan<byte> key, out MapValueSlice value)
    {
        var index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= (uint)MaxEntries)
        {
            value = default;
            return false;
        }

        var cpu = _copies == 1 ? 0 : CurrentCpu;
        value = new MapValueSlice(_data, (int)((((long)index * _copies) + cpu) * _stride), ValueSize);
        return true;
    }

    internal override MapValueSlice DirectValue(int instructionIndex) =>
        _copies == 1 ? new MapValueSlice(_data, 0, ValueSize) : base.DirectValue(instructionIndex);

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        var index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= (uint)MaxEntries)
        {
            return (int)BpfErrno.ENOENT;
        }

        _data.AsSpan((int)((long)index * _copies * _stride), value.Length).CopyTo(value);
        return 0;
    }

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, bool fromProgram)
    {
        var index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= (uint)MaxEntries)
        {
            return (int)BpfErrno.E2BIG;
        }

        if (flags == (ulong)BpfMapUpdateFlags.NoExist)
        {
            // Every element of an array exists.
            return (int)BpfErrno.EEXIST;
        }

        var start = (long)index * _copies * _stride;
        if (fromProgram && _copies > 1)
        {
            start += (long)CurrentCpu * _stride;
        }

        value.CopyTo(_data.AsSpan((int)start, value.Length));
        return 0;
    }

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key) => (int)BpfErrno.EINVAL;

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey)
    {
        var index = hasKey ? BinaryPrimitives.ReadUInt32LittleEndian(key) : uint.MaxValue;
        uint next;
        if (!hasKey || index >= (uint)MaxEntries)
        {
            next = 0;
        }
        else if (index == (uint)MaxEntries - 1)
        {
            return (int)BpfErrno.ENOENT;
        }
        else
        {
            next = index + 1;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(nextKey, next);
        return 0;
    }

    /// <summary>Attribute checks shared by arrays and program arrays.</summary>
    internal static void ValidateArray(BpfMapDefinition d, BpfMapFlags allowed, bool perCpu)
    {
        if ((d.Flags & ~allowed) != 0)
        {
            throw new BpfException(BpfErrno.EINVAL, $"flags 0x{(uint)(d.Flags & ~allowed):x} are not valid for {d.Type} maps", -1, "map_flags");
        }

        if (d.MaxEntries <= 0)
        {
            throw new BpfException(BpfErrno.EINVAL, "max_entries must be positive", -1, "max_entries");
        }

        if (d.KeySize != 4)
        {
            throw new BpfException(BpfErrno.EINVAL, $"key_size {d.KeySize}: array keys are 4-byte indexes", -1, "key_size");
        }

        if (d.ValueSize <= 0)
        {
            throw new BpfException(BpfErrno.EINVAL, "value_size must be positive", -1, "value_size");
        }

        if (d.ValueSize > KmallocMaxSize || (perCpu && d.ValueSize > PcpuMinUnitSize))
        {
            throw new BpfException(BpfErrno.E2BIG, $"value_size {d.ValueSize} is too large", -1, "value_size");
        }

        var copies = perCpu ? PossibleCpus : 1;
        if ((long)Round8(d.ValueSize) * copies * d.MaxEntries > Array.MaxLength)
        {
            throw new BpfException(BpfErrno.E2BIG, $"{d.MaxEntries} entries of {d.ValueSize} bytes do not fit in one allocation", -1, "max_entries");
        }
    }

    /// <summary>The ops table of arrays and per-CPU arrays.</summary>
    internal sealed class Ops(BpfMapType type) : IBpfMapType
    {
        public BpfMapType Type { get; } = type;

        public void Validate(BpfMapDefinition d)
        {
            var perCpu = Type == BpfMapType.PerCpuArray;
            var allowed = BpfMapFlags.NumaNode | BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly | BpfMapFlags.ReadOnlyProgram | BpfMapFlags.WriteOnlyProgram;
            if (!perCpu)
            {
                allowed |= BpfMapFlags.Mmapable;
            }

            ValidateArray(d, allowed, perCpu);
        }

        public long MemoryCost(BpfMapDefinition d) =>
            ((long)Round8(d.ValueSize) * (Type == BpfMapType.PerCpuArray ? PossibleCpus : 1) * d.MaxEntries) + 4096;

        public BpfMap Create(BpfSystem? system, BpfMapDefinition definition, long charge) => new ArrayMap(system, definition, charge);
    }
}
