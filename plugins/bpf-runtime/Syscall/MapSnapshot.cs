using System.Text;
using Framework.Plugins.BpfRuntime.Maps;

namespace Framework.Plugins.BpfRuntime.Syscall;

/// <summary>
/// The file form of a pinned hash or array map in the pin folder: a magic, the creation attributes
/// and the entries (syscall-side values). Reading checks every field and fails with
/// <see cref="BpfException"/> (EINVAL) naming the file and what is wrong.
/// </summary>
internal static class MapSnapshot
{
    private static readonly byte[] s_magic = "BPFPIN1\n"u8.ToArray();

    public static void Write(Stream stream, BpfMap map)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(s_magic);
        w.Write((int)map.Type);
        w.Write(map.KeySize);
        w.Write(map.ValueSize);
        w.Write(map.MaxEntries);
        w.Write((uint)map.Definition.Flags);
        w.Write(map.Definition.Name ?? string.Empty);
        var entries = map.Type == BpfMapType.Array || map.Type == BpfMapType.PerCpuArray
            ? map.KernelEntries().Where(e => e.Value.AsSpan().ContainsAnyExcept((byte)0)).ToList()
            : map.KernelEntries().ToList();
        w.Write(map.UserValueSize);
        w.Write(entries.Count);
        foreach (var (key, value) in entries)
        {
            w.Write(key);
            w.Write(value);
        }
    }

    public static (BpfMapDefinition Definition, List<(byte[] Key, byte[] Value)> Entries) Read(Stream stream, string file)
    {
        try
        {
            using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            if (!r.ReadBytes(s_magic.Length).AsSpan().SequenceEqual(s_magic))
            {
                throw new BpfException(BpfErrno.EINVAL, $"{file}: not a pinned map (bad magic)");
            }

            var type = (BpfMapType)r.ReadInt32();
            var keySize = r.ReadInt32();
            var valueSize = r.ReadInt32();
            var maxEntries = r.ReadInt32();
            var flags = (BpfMapFlags)r.ReadUInt32();
            string name;
            try
            {
                name = r.ReadString();
            }
            catch (IOException e) when (e is not EndOfStreamException)
            {
                // BinaryReader.ReadString's length prefix decodes to a negative length.
                throw new BpfException(BpfErrno.EINVAL, $"{file}: malformed map name ({e.Message})", e);
            }

            var userValueSize = r.ReadInt32();
            var count = r.ReadInt32();
            // Only hash and array maps are saved, and neither has an empty key: entries of no bytes
            // would let a count of millions pass the size check below and loop for minutes.
            if (keySize is < 1 or > 512 || userValueSize < 0 || userValueSize > (64 << 20) || count < 0 || count > maxEntries)
            {
                throw new BpfException(BpfErrno.EINVAL, $"{file}: corrupt header (key size {keySize}, value size {userValueSize}, {count} entries)");
            }

            // The entries must be in the file: a count taken on trust would size the list (and the
            // map made from it) by a number a corrupt or hostile file chose.
            var need = (long)count * (keySize + userValueSize);
            if (stream.CanSeek && need > stream.Length - stream.Position)
            {
                throw new BpfException(BpfErrno.EINVAL, $"{file}: truncated: {count} entries of {keySize + userValueSize} bytes need {need} bytes at offset {stream.Position}, the file has {stream.Length - stream.Position} more");
            }

            var entries = new List<(byte[], byte[])>(Math.Min(count, 4096));
            for (var i = 0; i < count; i++)
            {
                var key = r.ReadBytes(keySize);
                var value = r.ReadBytes(userValueSize);
                if (key.Length != keySize || value.Length != userValueSize)
                {
                    throw new BpfException(BpfErrno.EINVAL, $"{file}: truncated at entry {i}");
                }

                entries.Add((key, value));
            }

            return (new BpfMapDefinition(type, keySize, valueSize, maxEntries, flags, name.Length == 0 ? null : name), entries);
        }
        catch (EndOfStreamException e)
        {
            throw new BpfException(BpfErrno.EINVAL, $"{file}: truncated", e);
        }
        catch (FormatException e)
        {
            // BinaryReader.ReadString's length prefix (the map name) is not a valid 7-bit encoded integer.
            throw new BpfException(BpfErrno.EINVAL, $"{file}: malformed map name ({e.Message})", e);
        }
    }
}
