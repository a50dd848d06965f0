namespace Framework.Plugins.Elf2Dmp;

/// <summary>The plugin's settings, bound from <c>Plugins:elf2dmp</c>.</summary>
public sealed class Elf2DmpOptions
{
    /// <summary>The symbol path for conversions; when empty, <c>_NT_SYMBOL_PATH</c>.</summary>
    public string? SymbolPath { get; set; }
}
