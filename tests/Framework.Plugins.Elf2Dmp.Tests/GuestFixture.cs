using Framework.Plugins.Elf2Dmp.Pe;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

/// <summary>Helpers shared by the tests that convert synthetic guests.</summary>
public static class GuestFixture
{
    /// <summary>Writes a guest's ELF and a symbol store holding its PDB; returns (elf, store).</summary>
    public static (string Elf, string Store) Prepare(TestFolder folder, GuestOptions options, string name = "guest.elf")
    {
        var guest = new SyntheticGuest(options);
        var elf = folder.File(name);
        guest.WriteElf(elf);
        var store = folder.File("symbols");
        AddToStore(store, guest.Kernel.PdbPath);
        return (elf, store);
    }

    public static string AddToStore(string store, string pdbPath)
    {
        var key = KeyOf(KernelImageBuilder.Kernel.ImagePath);
        var target = Path.Combine(store, "ntkrnlmp.pdb", key, "ntkrnlmp.pdb");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(pdbPath, target, overwrite: true);
        return target;
    }

    public static CodeViewRecord CodeViewOf(string imagePath)
    {
        var guest = new Guest.GuestPhysicalMemory();
        var bytes = File.ReadAllBytes(imagePath);
        using var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(bytes));
        var entry = pe.ReadDebugDirectory().First(e => e.Type == System.Reflection.PortableExecutable.DebugDirectoryEntryType.CodeView);
        var data = pe.ReadCodeViewDebugDirectoryData(entry);
        _ = guest;
        return new CodeViewRecord(data.Guid, data.Age, data.Path);
    }

    public static string KeyOf(string imagePath) => CodeViewOf(imagePath).SymbolStoreKey;
}
