using System.Buffers.Binary;

namespace Framework.Plugins.Elf2Dmp.Pdb;

/// <summary>
/// A Multi-Stream File (MSF 7.0), the container of a PDB: a superblock, blocks of a fixed size, and
/// a stream directory listing every stream's size and blocks. Every index and size is checked
/// against the file before it is used. Immutable and thread-safe.
/// </summary>
public sealed class MsfFile
{
    /// <summary>The 32-byte signature at offset 0.</summary>
    public static ReadOnlySpan<byte> Magic => "Microsoft C/C++ MSF 7.00\r\n\u001aDS\0\0\0"u8;

    private const uint NilStream = 0xffff_ffff;
    private readonly byte[] _data;
    private readonly uint[][] _streamBlocks;
    private readonly uint[] _streamSizes;

    private MsfFile(byte[] data, uint blockSize, uint[] sizes, uint[][] blocks)
    {
        _data = data;
        BlockSize = blockSize;
        _streamSizes = sizes;
        _streamBlocks = blocks;
    }

    /// <summary>The block size (512, 1024, 2048 or 4096).</summary>
    public uint BlockSize { get; }

    /// <summary>The number of streams in the directory.</summary>
    public int StreamCount => _streamSizes.Length;

    /// <summary>Parses the container.</summary>
    /// <exception cref="Elf2DmpException">Bad superblock, or a directory that points outside the file.</exception>
    public static MsfFile Parse(byte[] data)
    {
        ReadOnlySpan<byte> file = data;
        if (file.Length < 0x38 || !file[..32].SequenceEqual(Magic))
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "MSF superblock magic", 0, "not an MSF 7.0 (PDB 7) file");
        }

        var blockSize = BinaryPrimitives.ReadUInt32LittleEndian(file[0x20..]);
        var numBlocks = BinaryPrimitives.ReadUInt32LittleEndian(file[0x28..]);
        var directoryBytes = BinaryPrimitives.ReadUInt32LittleEndian(file[0x2c..]);
        var blockMapAddress = BinaryPrimitives.ReadUInt32LittleEndian(file[0x34..]);
        if (blockSize is not (512 or 1024 or 2048 or 4096))
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "MSF superblock BlockSize", 0x20, $"{blockSize} is not 512, 1024, 2048 or 4096");
        }

        if ((ulong)numBlocks * blockSize > (ulong)file.Length)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "MSF superblock NumBlocks", 0x28, $"{numBlocks} blocks of {blockSize} bytes but the file has {file.Length} bytes");
        }

        var directoryBlockCount = (directoryBytes + (ulong)blockSize - 1) / blockSize;
        if (directoryBytes < 4 || directoryBlockCount > numBlocks || directoryBlockCount * 4 > blockSize)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "MSF superblock NumDirectoryBytes", 0x2c, $"{directoryBytes} does not fit the file");
        }

        if (blockMapAddress >= numBlocks)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "MSF superblock BlockMapAddr", 0x34, $"block {blockMapAddress} is beyond the {numBlocks} blocks");
        }

        var blockMap = file.Slice((int)(blockMapAddress * blockSize), (int)directoryBlockCount * 4);
        var directoryBlocks = new uint[directoryBlockCount];
        for (var i = 0; i < directoryBlocks.Length; i++)
        {
            directoryBlocks[i] = CheckBlock(BinaryPrimitives.ReadUInt32LittleEndian(blockMap[(i * 4)..]), numBlocks, "MSF stream directory block map");
        }

        var directory = Gather(file, blockSize, directoryBlocks, directoryBytes);
        var streamCount = BinaryPrimitives.ReadUInt32LittleEndian(directory);
        if ((ulong)streamCount * 4 + 4 > directoryBytes)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "MSF stream directory NumStreams", null, $"{streamCount} streams do not fit a directory of {directoryBytes} bytes");
        }

        var sizes = new uint[streamCount];
        var at = 4;
        for (var i = 0; i < sizes.Length; i++, at += 4)
        {
            sizes[i] = BinaryPrimitives.ReadUInt32LittleEndian(directory[at..]);
        }

        var blocks = new uint[streamCount][];
        for (var i = 0; i < sizes.Length; i++)
        {
            var size = sizes[i] == NilStream ? 0 : sizes[i];
            var count = (int)((size + (ulong)blockSize - 1) / blockSize);
            if ((long)at + ((long)count * 4) > directory.Length)
            {
                throw new Elf2DmpException(Elf2DmpError.Truncated, $"MSF stream directory (stream {i})", null, $"block list of {count} blocks runs beyond the directory");
            }

            blocks[i] = new uint[count];
            for (var b = 0; b < count; b++, at += 4)
            {
                blocks[i][b] = CheckBlock(BinaryPrimitives.ReadUInt32LittleEndian(directory[at..]), numBlocks, $"MSF stream {i} block list");
            }
        }

        return new MsfFile(data, blockSize, sizes, blocks);
    }

    /// <summary>Whether the stream exists and is not the nil stream.</summary>
    public bool HasStream(int index) => index >= 0 && index < _streamSizes.Length && _streamSizes[index] != NilStream;

    /// <summary>The bytes of one stream.</summary>
    /// <exception cref="Elf2DmpException">No such stream.</exception>
    public byte[] ReadStream(int index, string what)
    {
        if (!HasStream(index))
        {
            throw new Elf2DmpException(Elf2DmpError.NotFound, what, null, $"stream {index} does not exist (the file has {_streamSizes.Length})");
        }

        return Gather(_data, BlockSize, _streamBlocks[index], _streamSizes[index]).ToArray();
    }

    private static uint CheckBlock(uint block, uint numBlocks, string what) =>
        block < numBlocks && block != 0
            ? block
            : throw new Elf2DmpException(Elf2DmpError.InvalidData, what, null, $"block {block} is the superblock or beyond the {numBlocks} blocks");

    private static ReadOnlySpan<byte> Gather(ReadOnlySpan<byte> file, uint blockSize, uint[] blocks, uint size)
    {
        var result = new byte[size];
        var done = 0;
        foreach (var block in blocks)
        {
            var length = (int)Math.Min(blockSize, size - (uint)done);
            file.Slice((int)(block * blockSize), length).CopyTo(result.AsSpan(done));
            done += length;
        }

        return result;
    }
}
