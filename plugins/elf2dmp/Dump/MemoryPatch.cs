namespace Framework.Plugins.Elf2Dmp.Dump;

/// <summary>Bytes that replace guest-physical memory in the output only (a CPU context, the decoded KDBG).</summary>
/// <param name="PhysicalAddress">Where the bytes go.</param>
/// <param name="Data">The bytes.</param>
/// <param name="What">What they are, for messages.</param>
public sealed record MemoryPatch(ulong PhysicalAddress, byte[] Data, string What);
