namespace Framework.Plugins.Elf2Dmp.Kernel;

/// <summary>The kernel's page-table base and how it was found.</summary>
/// <param name="Value">The PML4's physical address (CR3 without PCID bits).</param>
/// <param name="Source">How it was found.</param>
/// <param name="Cpu">The CPU whose state gave it.</param>
public sealed record DirectoryTableBase(ulong Value, DirectoryTableBaseSource Source, int Cpu);
