using Framework.Plugins.Elf2Dmp.Memory;
using Framework.Plugins.Elf2Dmp.Native;

namespace Framework.Plugins.Elf2Dmp.Dump;

/// <summary>A 64-bit full kernel dump read back: its header, its physical memory (memory-mapped)
/// and the kernel's virtual address space through the header's DirectoryTableBase.</summary>
public sealed class DumpFile : IDisposable
{
    private DumpFile(MappedFile file, DumpHeader64 header, PhysicalMemory physical)
    {
        File = file;
        Header = header;
        Physical = physical;
        KernelSpace = new VirtualMemory(physical, header.DirectoryTableBase);
    }

    /// <summary>The mapped file.</summary>
    public MappedFile File { get; }

    /// <summary>The header.</summary>
    public DumpHeader64 Header { get; }

    /// <summary>Physical memory from the runs.</summary>
    public PhysicalMemory Physical { get; }

    /// <summary>The kernel's address space.</summary>
    public VirtualMemory KernelSpace { get; }

    /// <summary>Opens a dump.</summary>
    /// <exception cref="Elf2DmpException">Not a full 64-bit dump, or shorter than its runs.</exception>
    public static DumpFile Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            var header = DumpHeader64.Parse(file.Span(0, DumpHeader64.Size, "DUMP_HEADER64"));
            if (header.DumpType != DumpHeader64.DumpTypeFull)
            {
                throw new Elf2DmpException(Elf2DmpError.Unsupported, "DUMP_HEADER64 DumpType", DumpHeader64.DumpTypeOffset, $"type {header.DumpType}; only full dumps (1) are read");
            }

            if ((ulong)file.Length < header.RequiredDumpSpace)
            {
                throw new Elf2DmpException(Elf2DmpError.Truncated, "dump pages", (ulong)file.Length, $"the runs need 0x{header.RequiredDumpSpace:x} bytes, the file has 0x{file.Length:x}");
            }

            var blocks = new List<PhysicalBlock>();
            long offset = DumpHeader64.Size;
            foreach (var run in header.Runs)
            {
                if (run.BasePage > (ulong.MaxValue / PhysicalMemory.PageSize) - run.PageCount)
                {
                    throw new Elf2DmpException(Elf2DmpError.InvalidData, "DUMP_HEADER64 run", run.BasePage, "the run wraps around the address space");
                }

                var size = run.PageCount * PhysicalMemory.PageSize;
                blocks.Add(new PhysicalBlock(run.BasePage * PhysicalMemory.PageSize, offset, size));
                offset += (long)size;
            }

            return new DumpFile(file, header, new PhysicalMemory(file, blocks));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => File.Dispose();
}
