namespace Framework.Plugins.Elf2Dmp.Memory;

/// <summary>A run of physical pages as a crash dump lists them (PHYSICAL_MEMORY_RUN64).</summary>
/// <param name="BasePage">The first page frame number.</param>
/// <param name="PageCount">The number of pages.</param>
public readonly record struct MemoryRun(ulong BasePage, ulong PageCount);
