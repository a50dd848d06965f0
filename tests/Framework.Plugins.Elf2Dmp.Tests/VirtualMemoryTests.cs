using Framework.Plugins.Elf2Dmp.Kernel;
using Framework.Plugins.Elf2Dmp.Memory;
using Framework.Plugins.Elf2Dmp.Native;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class VirtualMemoryTests : IDisposable
{
    private readonly TestFolder _folder = new();
    private readonly GuestPhysicalMemory _ram = new();
    private readonly PageTableBuilder _tables;
    private ulong _next = 0x1000;

    public VirtualMemoryTests()
    {
        _ram.AddBlock(0, 0x40000);
        _ram.AddBlock(0x200000, 0x200000);
        _ram.AddBlock(0x4000_0000, 0x1000);
        _tables = new PageTableBuilder(_ram, () => (_next += 0x1000) - 0x1000);
    }

    public void Dispose() => _folder.Dispose();

    private (MappedFile File, VirtualMemory Memory) Open()
    {
        var path = _folder.File($"ram{Guid.NewGuid():N}");
        var blocks = new List<PhysicalBlock>();
        using (var stream = File.Create(path))
        {
            foreach (var (address, bytes) in _ram.Blocks)
            {
                blocks.Add(new PhysicalBlock(address, stream.Position, (ulong)bytes.Length));
                stream.Write(bytes);
            }
        }

        var file = MappedFile.Open(path);
        return (file, new VirtualMemory(new PhysicalMemory(file, blocks), _tables.Root | 0x5));
    }

    [Fact]
    public void Four_kilobyte_two_megabyte_and_one_gigabyte_pages_translate()
    {
        _tables.Map4K(0xffff_8000_0000_3000, 0x30000);
        _tables.Map2M(0xffff_8000_0040_0000, 0x200000);
        _tables.Map1G(0xffff_8000_4000_0000, 0x4000_0000);
        var (file, memory) = Open();
        using var _ = file;

        var small = memory.Translate(0xffff_8000_0000_3abc);
        var large = memory.Translate(0xffff_8000_0041_2345);
        var huge = memory.Translate(0xffff_8000_4000_0123);

        Assert.Equal(0x30abcUL, small.PhysicalAddress);
        Assert.Equal(0x1000UL, small.PageSize);
        Assert.Equal(4, small.Entries.Count);
        Assert.Equal(0x212345UL, large.PhysicalAddress);
        Assert.Equal(0x200000UL, large.PageSize);
        Assert.Equal(0x4000_0123UL, huge.PhysicalAddress);
        Assert.Equal(0x4000_0000UL, huge.PageSize);
    }

    [Fact]
    public void A_read_crossing_pages_follows_each_page_mapping()
    {
        _tables.Map4K(0xffff_8000_0000_0000, 0x31000);
        _tables.Map4K(0xffff_8000_0000_1000, 0x30000);
        _ram.Write(0x31ffc, [1, 2, 3, 4]);
        _ram.Write(0x30000, [5, 6, 7, 8]);
        var (file, memory) = Open();
        using var _ = file;

        var buffer = new byte[8];
        memory.Read(0xffff_8000_0000_0ffc, buffer, "test");

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, buffer);
    }

    [Fact]
    public void Unmapped_noncanonical_and_outside_memory_addresses_fail_with_reasons()
    {
        _tables.Map4K(0xffff_8000_0000_0000, 0x7000_0000); // a frame in no block of RAM
        _tables.SetEntry(_tables.Root, 3, 0x9000_0000 | 1); // a PDPT outside RAM
        var (file, memory) = Open();
        using var _ = file;

        Assert.Contains("not present", memory.Translate(0xffff_9000_0000_0000).Failure, StringComparison.Ordinal);
        Assert.Equal(1UL << 39, memory.Translate(0xffff_9000_0000_0000).PageSize);
        Assert.Contains("not canonical", memory.Translate(0x0000_8000_0000_0000).Failure, StringComparison.Ordinal);
        Assert.Contains("not in the dump's memory", memory.Translate(0xffff_8000_0000_0000).Failure, StringComparison.Ordinal);
        Assert.Contains("outside physical memory", memory.Translate(3UL << 39).Failure, StringComparison.Ordinal);
        var error = Assert.Throws<Elf2DmpException>(() => memory.ReadUInt64(0xffff_9000_0000_0000, "thing"));
        Assert.Equal(Elf2DmpError.BadAddress, error.Error);
        Assert.Contains("thing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_tables_that_point_back_at_themselves_cannot_loop_the_walk_or_the_kernel_scan()
    {
        // Every PML4 entry points at the PML4: each walk re-reads the same table at every level.
        for (var i = 0; i < 512; i++)
        {
            _tables.SetEntry(_tables.Root, i, _tables.Root | 3);
        }

        var (file, memory) = Open();
        using var _ = file;

        Assert.Equal(_tables.Root + 0x123, memory.Translate(0xffff_f800_0000_0123).PhysicalAddress);
        var error = Assert.Throws<Elf2DmpException>(() => KernelLocator.FindKernelBase(memory, 0xffff_ffff_ffff_f000));
        Assert.Equal(Elf2DmpError.NotFound, error.Error);
        Assert.Contains($"{KernelLocator.MaxScanPages} mapped pages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kernel_scan_skips_unmapped_regions_whole()
    {
        _tables.Map4K(0xfffff800_00400000, 0x30000);
        _ram.Write(0x30000, "MZ"u8);
        _ram.WriteUInt32(0x3003c, 0x80);
        _ram.Write(0x30080, "PE\0\0"u8);
        var (file, memory) = Open();
        using var _ = file;

        Assert.Equal(0xfffff800_00400000UL, KernelLocator.FindKernelBase(memory, 0xffff_ffff_ffff_f123));
    }

    [Fact]
    public void Overlapping_blocks_are_refused()
    {
        var path = _folder.File("ram");
        File.WriteAllBytes(path, new byte[0x3000]);
        using var file = MappedFile.Open(path);

        var error = Assert.Throws<Elf2DmpException>(() => new PhysicalMemory(file, [new(0, 0, 0x2000), new(0x1000, 0x1000, 0x1000)]));
        Assert.Contains("overlaps", error.Message, StringComparison.Ordinal);
        Assert.Throws<Elf2DmpException>(() => new PhysicalMemory(file, [new(0, 0x2000, 0x2000)]));
    }

    [Fact]
    public void Adjacent_blocks_merge_into_one_run()
    {
        var path = _folder.File("ram");
        File.WriteAllBytes(path, new byte[0x4000]);
        using var file = MappedFile.Open(path);

        var memory = new PhysicalMemory(file, [new(0x2000, 0x1000, 0x1000), new(0, 0, 0x1000), new(0x1000, 0x2000, 0x1000), new(0x10000, 0x3000, 0x1000)]);

        Assert.Equal([new MemoryRun(0, 3), new MemoryRun(0x10, 1)], memory.ToRuns());
    }
}
