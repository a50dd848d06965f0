using System.Buffers.Binary;
using Framework.Plugins.Elf2Dmp.Memory;

namespace Framework.Plugins.Elf2Dmp.Kernel;

/// <summary>The fields of KUSER_SHARED_DATA (at <see cref="Address"/>) that a dump header repeats.</summary>
/// <param name="SystemTime">SystemTime (100 ns since 1601, UTC).</param>
/// <param name="ProductType">NtProductType (1 workstation, 2 domain controller, 3 server).</param>
/// <param name="SuiteMask">SuiteMask.</param>
public sealed record KuserSharedData(ulong SystemTime, uint ProductType, uint SuiteMask)
{
    /// <summary>The kernel-mode address of KUSER_SHARED_DATA on x64.</summary>
    public const ulong Address = 0xfffff780_00000000;

#pragma warning disable CS1591 // Field offsets.
    public const int SystemTimeOffset = 0x14;
    public const int ProductTypeOffset = 0x264;
    public const int SuiteMaskOffset = 0x2d0;
#pragma warning restore CS1591

    /// <summary>Reads the fields through the kernel's page tables.</summary>
    /// <exception cref="Elf2DmpException">The page is not mapped.</exception>
    public static KuserSharedData Read(VirtualMemory memory)
    {
        var page = new byte[PhysicalMemory.PageSize];
        memory.Read(Address, page, "KUSER_SHARED_DATA");
        return new KuserSharedData(
            BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(SystemTimeOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(ProductTypeOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(SuiteMaskOffset)));
    }
}
