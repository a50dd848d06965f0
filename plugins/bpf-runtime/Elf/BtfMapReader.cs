using System.Buffers.Binary;
using System.Text;
using Framework.Plugins.BpfRuntime.Maps;

namespace Framework.Plugins.BpfRuntime.Elf;

/// <summary>
/// Reads BTF-defined maps: the <c>.maps</c> data section described in <c>.BTF</c>, where each map is
/// a variable of an anonymous struct whose members encode attributes the way libbpf's
/// <c>__uint(name, value)</c> (pointer to an array of <c>value</c> elements) and
/// <c>__type(name, T)</c> (pointer to <c>T</c>) macros do. Written from the BTF format description
/// (Documentation/bpf/btf.rst). Malformed input fails with <see cref="BpfException"/>.
/// </summary>
internal static class BtfMapReader
{
    private const int KindInt = 1, KindPtr = 2, KindArray = 3, KindStruct = 4, KindUnion = 5, KindEnum = 6, KindFwd = 7,
        KindTypedef = 8, KindVolatile = 9, KindConst = 10, KindRestrict = 11, KindFunc = 12, KindFuncProto = 13,
        KindVar = 14, KindDatasec = 15, KindFloat = 16, KindDeclTag = 17, KindTypeTag = 18, KindEnum64 = 19;

    /// <summary>The maps of the <c>.maps</c> section as (offset in the section, map).</summary>
    public static List<(ulong Offset, BpfElfMap Map)> Read(ReadOnlySpan<byte> btf)
    {
        if (btf.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(btf) != 0xeb9f)
        {
            throw Error("the .BTF section has no BTF header (magic 0xeb9f)");
        }

        var hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(btf[4..]);
        var typeOff = BinaryPrimitives.ReadUInt32LittleEndian(btf[8..]);
        var typeLen = BinaryPrimitives.ReadUInt32LittleEndian(btf[12..]);
        var strOff = BinaryPrimitives.ReadUInt32LittleEndian(btf[16..]);
        var strLen = BinaryPrimitives.ReadUInt32LittleEndian(btf[20..]);
        if (hdrLen < 24 || hdrLen > btf.Length || (ulong)hdrLen + typeOff + typeLen > (ulong)btf.Length || (ulong)hdrLen + strOff + strLen > (ulong)btf.Length)
        {
            throw Error("BTF header offsets run past the section");
        }

        var types = btf.Slice((int)(hdrLen + typeOff), (int)typeLen);
        var strings = btf.Slice((int)(hdrLen + strOff), (int)strLen);

        // Type ids start at 1; remember where each type's record starts.
        var records = new List<(int Kind, uint NameOff, uint Info, uint SizeOrType, int Extra)> { default };
        var pos = 0;
        while (pos < types.Length)
        {
            if (types.Length - pos < 12)
            {
                throw Error($"BTF type {records.Count} is truncated");
            }

            var nameOff = BinaryPrimitives.ReadUInt32LittleEndian(types[pos..]);
            var info = BinaryPrimitives.ReadUInt32LittleEndian(types[(pos + 4)..]);
            var sizeOrType = BinaryPrimitives.ReadUInt32LittleEndian(types[(pos + 8)..]);
            var kind = (int)((info >> 24) & 0x1f);
            var vlen = (int)(info & 0xffff);
            var extra = pos + 12;
            pos = extra + kind switch
            {
                KindInt or KindVar or KindDeclTag => 4,
                KindArray => 12,
                KindStruct or KindUnion or KindDatasec or KindEnum64 => vlen * 12,
                KindEnum or KindFuncProto => vlen * 8,
                KindPtr or KindFwd or KindTypedef or KindVolatile or KindConst or KindRestrict or KindFunc or KindFloat or KindTypeTag => 0,
                _ => throw Error($"BTF type {records.Count} has unknown kind {kind}"),
            };
            if (pos > types.Length)
            {
                throw Error($"BTF type {records.Count} runs past the type section");
            }

            records.Add((kind, nameOff, info, sizeOrType, extra));
        }

        var result = new List<(ulong, BpfElfMap)>();
        for (var id = 1; id < records.Count; id++)
        {
            var r = records[id];
            if (r.Kind != KindDatasec || Name(strings, r.NameOff) != ".maps")
            {
                continue;
            }

            for (var i = 0; i < (int)(r.Info & 0xffff); i++)
            {
                var entry = types.Slice(r.Extra + (i * 12), 12);
                var varId = BinaryPrimitives.ReadUInt32LittleEndian(entry);
                var offset = BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
                var v = Get(records, varId);
                if (v.Kind != KindVar)
                {
                    throw Error($".maps entry {i} is not a variable");
                }

                var mapName = Name(strings, v.NameOff);
                var def = Strip(records, v.SizeOrType);
                var s = Get(records, def);
                if (s.Kind != KindStruct)
                {
                    throw Error($"map '{mapName}' is not a struct");
                }

                int type = 0, keySize = 0, valueSize = 0, maxEntries = 0, flags = 0;
                for (var m = 0; m < (int)(s.Info & 0xffff); m++)
                {
                    var member = types.Slice(s.Extra + (m * 12), 12);
                    var memberName = Name(strings, BinaryPrimitives.ReadUInt32LittleEndian(member));
                    var ptr = Get(records, Strip(records, BinaryPrimitives.ReadUInt32LittleEndian(member[4..])));
                    if (ptr.Kind != KindPtr)
                    {
                        continue;
                    }

                    switch (memberName)
                    {
                        case "type":
                            type = UintValue(records, types, ptr.SizeOrType, mapName, memberName);
                            break;
                        case "max_entries":
                            maxEntries = UintValue(records, types, ptr.SizeOrType, mapName, memberName);
                            break;
                        case "map_flags":
                            flags = UintValue(records, types, ptr.SizeOrType, mapName, memberName);
                            break;
                        case "key_size":
                            keySize = UintValue(records, types, ptr.SizeOrType, mapName, memberName);
                            break;
                        case "value_size":
                            valueSize = UintValue(records, types, ptr.SizeOrType, mapName, memberName);
                            break;
                        case "key":
                            keySize = SizeOf(records, types, ptr.SizeOrType, 0);
                            break;
                        case "value":
                            valueSize = SizeOf(records, types, ptr.SizeOrType, 0);
                            break;
                    }
                }

                result.Add((offset, new BpfElfMap(mapName, new BpfMapDefinition((BpfMapType)type, keySize, valueSize, maxEntries, (BpfMapFlags)flags, mapName.Length <= 15 ? mapName : mapName[..15]))));
            }
        }

        return result;
    }

    private static (int Kind, uint NameOff, uint Info, uint SizeOrType, int Extra) Get(List<(int Kind, uint NameOff, uint Info, uint SizeOrType, int Extra)> records, uint id) =>
        id > 0 && id < records.Count ? records[(int)id] : throw Error($"BTF type id {id} does not exist");

    /// <summary>Follows typedefs and qualifiers.</summary>
    private static uint Strip(List<(int Kind, uint NameOff, uint Info, uint SizeOrType, int Extra)> records, uint id)
    {
        for (var hops = 0; hops < 32; hops++)
        {
            var r = Get(records, id);
            if (r.Kind is not (KindTypedef or KindVolatile or KindConst or KindRestrict or KindTypeTag))
            {
                return id;
            }

            id = r.SizeOrType;
        }

        throw Error("BTF typedef chain is too long");
    }

    /// <summary>The value of a <c>__uint(name, value)</c> member: the element count of the pointed-to array.</summary>
    private static int UintValue(List<(int Kind, uint NameOff, uint Info, uint SizeOrType, int Extra)> records, ReadOnlySpan<byte> types, uint arrayId, string map, string member)
    {
        var array = Get(records, Strip(records, arrayId));
        if (array.Kind != KindArray)
        {
            throw Error($"map '{map}': member '{member}' is not __uint(name, value)");
        }

        var nelems = BinaryPrimitives.ReadUInt32LittleEndian(types[(array.Extra + 8)..]);
        return nelems > int.MaxValue ? throw Error($"map '{map}': {member} {nelems} is too large") : (int)nelems;
    }

    private static int SizeOf(List<(int Kind, uint NameOff, uint Info, uint SizeOrType, int Extra)> records, ReadOnlySpan<byte> types, uint id, int depth)
    {
        if (depth > 32)
        {
            throw Error("BTF type nesting is too deep");
        }

        var r = Get(records, Strip(records, id));
        switch (r.Kind)
        {
            case KindInt or KindStruct or KindUnion or KindEnum or KindEnum64 or KindFloat or KindDatasec:
                return r.SizeOrType > int.MaxValue ? throw Error("BTF type size is too large") : (int)r.SizeOrType;
            case KindPtr:
                return 8;
            case KindArray:
                {
                    var elem = BinaryPrimitives.ReadUInt32LittleEndian(types[r.Extra..]);
                    var nelems = BinaryPrimitives.ReadUInt32LittleEndian(types[(r.Extra + 8)..]);
                    var size = (long)SizeOf(records, types, elem, depth + 1) * nelems;
                    return size > int.MaxValue ? throw Error("BTF array size is too large") : (int)size;
                }

            default:
                throw Error($"BTF type of kind {r.Kind} has no size");
        }
    }

    private static string Name(ReadOnlySpan<byte> strings, uint off) =>
        off < strings.Length ? Encoding.UTF8.GetString(Until0(strings[(int)off..])) : throw Error($"BTF string offset {off} is outside the string section");

    private static ReadOnlySpan<byte> Until0(ReadOnlySpan<byte> s)
    {
        var end = s.IndexOf((byte)0);
        return end < 0 ? s : s[..end];
    }

    private static BpfException Error(string message) => new(BpfErrno.EINVAL, message, -1, ".BTF");
}
