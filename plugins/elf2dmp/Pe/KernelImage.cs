using System.Buffers.Binary;
using System.Reflection.PortableExecutable;
using Framework.Plugins.Elf2Dmp.Memory;

namespace Framework.Plugins.Elf2Dmp.Pe;

/// <summary>
/// The kernel's PE image as loaded in guest memory, read through System.Reflection.PortableExecutable
/// in loaded-image layout: machine, size and the CodeView record that names its PDB.
/// </summary>
public sealed class KernelImage
{
    /// <summary>The largest image we read from guest memory; ntoskrnl is about 11 MB.</summary>
    public const int MaxImageSize = 128 << 20;

    private KernelImage(ulong baseAddress, int sizeOfImage, CodeViewRecord codeView, Machine machine)
    {
        BaseAddress = baseAddress;
        SizeOfImage = sizeOfImage;
        CodeView = codeView;
        Machine = machine;
    }

    /// <summary>The image base in guest virtual memory.</summary>
    public ulong BaseAddress { get; }

    /// <summary>SizeOfImage from the optional header.</summary>
    public int SizeOfImage { get; }

    /// <summary>The image's RSDS record.</summary>
    public CodeViewRecord CodeView { get; }

    /// <summary>The image's machine.</summary>
    public Machine Machine { get; }

    /// <summary>Reads the image at <paramref name="baseAddress"/>; unmapped pages read as zeros.</summary>
    /// <exception cref="Elf2DmpException">No valid x64 PE image there, or it has no RSDS record.</exception>
    public static KernelImage Read(VirtualMemory memory, ulong baseAddress)
    {
        var headers = new byte[PhysicalMemory.PageSize];
        memory.Read(baseAddress, headers, "kernel image headers");
        var sizeOfImage = ReadSizeOfImage(headers, baseAddress);
        var image = new byte[sizeOfImage];
        for (var page = 0; page < sizeOfImage; page += PhysicalMemory.PageSize)
        {
            var length = Math.Min(PhysicalMemory.PageSize, sizeOfImage - page);
            _ = memory.TryRead(baseAddress + (ulong)page, image.AsSpan(page, length));
        }

        return Parse(image, baseAddress);
    }

    /// <summary>Parses an image in loaded layout (sections at their RVAs).</summary>
    /// <exception cref="Elf2DmpException">Not a valid x64 PE image, or it has no RSDS record.</exception>
    public static KernelImage Parse(byte[] image, ulong baseAddress)
    {
        try
        {
            using var reader = new PEReader(new MemoryStream(image, writable: false), PEStreamOptions.IsLoadedImage);
            var pe = reader.PEHeaders;
            if (pe.PEHeader is null || pe.CoffHeader.Machine != Machine.Amd64 || pe.PEHeader.Magic != PEMagic.PE32Plus)
            {
                throw new Elf2DmpException(Elf2DmpError.Unsupported, "kernel image", baseAddress,
                    $"machine {pe.CoffHeader.Machine} is not an x64 PE32+ image");
            }

            foreach (var entry in reader.ReadDebugDirectory())
            {
                if (entry.Type == DebugDirectoryEntryType.CodeView)
                {
                    var data = reader.ReadCodeViewDebugDirectoryData(entry);
                    return new KernelImage(baseAddress, pe.PEHeader.SizeOfImage, new CodeViewRecord(data.Guid, data.Age, data.Path), pe.CoffHeader.Machine);
                }
            }

            throw new Elf2DmpException(Elf2DmpError.NotFound, "kernel image debug directory", baseAddress, "no CodeView (RSDS) entry");
        }
        catch (BadImageFormatException ex)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "kernel image", baseAddress, ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "kernel image", baseAddress, ex.Message, ex);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "kernel image", baseAddress, ex.Message, ex);
        }
    }

    private static int ReadSizeOfImage(ReadOnlySpan<byte> headers, ulong baseAddress)
    {
        if (headers[0] != (byte)'M' || headers[1] != (byte)'Z')
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "kernel image e_magic", baseAddress, "no MZ signature");
        }

        var lfanew = BinaryPrimitives.ReadInt32LittleEndian(headers[0x3c..]);
        if (lfanew < 0x40 || lfanew > headers.Length - 0x58)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "kernel image e_lfanew", baseAddress + 0x3c, $"0x{lfanew:x} is outside the first page");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(headers[lfanew..]) != 0x4550)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "kernel image PE signature", baseAddress + (ulong)lfanew, "no PE\\0\\0 signature");
        }

        // SizeOfImage sits at offset 56 of the optional header, which follows the 4-byte signature and 20-byte COFF header.
        var size = BinaryPrimitives.ReadUInt32LittleEndian(headers[(lfanew + 24 + 56)..]);
        if (size < PhysicalMemory.PageSize || size > MaxImageSize)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "kernel image SizeOfImage", baseAddress + (ulong)lfanew + 80, $"0x{size:x} is outside 0x1000..0x{MaxImageSize:x}");
        }

        return (int)size;
    }
}
