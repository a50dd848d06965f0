namespace Framework.Plugins.Elf2Dmp.Tests.Guest;

/// <summary>The lld-linked kernel image and its PDB.</summary>
public sealed record BuiltKernel(string ImagePath, string PdbPath);
