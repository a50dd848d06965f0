namespace Framework.Plugins.HwbpX86.Symbols;

/// <summary>A symbol of an ELF file's .symtab or .dynsym.</summary>
/// <param name="Name">The name.</param>
/// <param name="Value">st_value: the link-time address.</param>
/// <param name="Size">st_size.</param>
/// <param name="IsFunction">Whether STT_FUNC (else an object or other).</param>
public sealed record ElfSymbol(string Name, ulong Value, ulong Size, bool IsFunction);
