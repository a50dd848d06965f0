using System.Globalization;
using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86.Symbols;

/// <summary>
/// Finds a symbol's run-time address in a process: each file mapped in /proc/&lt;pid&gt;/maps is read
/// (through /proc/&lt;pid&gt;/root, so a process in another mount namespace works too), its symbol
/// tables searched, and a position-independent file's load bias added (where its first PT_LOAD was
/// mapped minus where it was linked).
/// </summary>
public static class ProcessSymbolResolver
{
    /// <summary>Resolves <c>name</c> or <c>name+offset</c> (offset decimal or 0x-hex) in the process.</summary>
    /// <exception cref="HwbpException">ESRCH when the process is gone, ENOENT when no mapped file defines the symbol.</exception>
    public static (ulong Address, string Module, ElfSymbol Symbol) Resolve(int pid, string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        var plus = expression.IndexOf('+', StringComparison.Ordinal);
        var name = plus < 0 ? expression : expression[..plus];
        ulong offset = 0;
        if (plus >= 0 && !TryParseNumber(expression[(plus + 1)..], out offset))
        {
            throw new HwbpException(Errno.EINVAL, $"--addr {expression}: the offset after '+' is not a number");
        }

        var pidText = pid.ToString(CultureInfo.InvariantCulture);
        string[] maps;
        try
        {
            maps = File.ReadAllLines($"/proc/{pidText}/maps");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HwbpException(e is UnauthorizedAccessException ? Errno.EACCES : Errno.ESRCH, $"pid {pid}: cannot read /proc/{pidText}/maps ({e.Message})");
        }

        foreach (var (path, mappings) in Mappings(maps))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes($"/proc/{pidText}/root{path}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            var image = ElfImage.Parse(bytes);
            var symbol = image.Error is null ? image.Symbols.FirstOrDefault(s => s.Name == name) : null;
            if (symbol is null)
            {
                continue;
            }

            return (Bias(image, mappings) + symbol.Value + offset, path, symbol);
        }

        throw new HwbpException(Errno.ENOENT, $"--addr {expression}: no file mapped in pid {pid} defines the symbol '{name}' in its symbol tables (.symtab, .dynsym); a stripped binary has only its exported symbols");
    }

    /// <summary>Parses 0x-hex or decimal.</summary>
    public static bool TryParseNumber(string text, out ulong value)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static ulong Bias(ElfImage image, List<(ulong Start, ulong Offset)> mappings)
    {
        if (!image.IsSharedObject || image.Loads.Count == 0)
        {
            return 0;
        }

        var page = (ulong)Environment.SystemPageSize;
        var first = image.Loads.MinBy(l => l.Offset);
        var mapped = mappings.Where(m => m.Offset == (first.Offset & ~(page - 1))).Select(m => m.Start).DefaultIfEmpty(mappings.Min(m => m.Start - m.Offset)).Min();
        return mapped - (first.VirtualAddress & ~(page - 1));
    }

    private static IEnumerable<(string Path, List<(ulong Start, ulong Offset)> Mappings)> Mappings(IEnumerable<string> maps)
    {
        var byPath = new Dictionary<string, List<(ulong, ulong)>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var line in maps)
        {
            // start-end perms offset dev inode path
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6 || !parts[5].StartsWith('/'))
            {
                continue;
            }

            var range = parts[0].Split('-');
            if (range.Length != 2
                || !ulong.TryParse(range[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
                || !ulong.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var offset))
            {
                continue;
            }

            var path = parts[5].Trim();
            if (!byPath.TryGetValue(path, out var list))
            {
                byPath[path] = list = [];
                order.Add(path);
            }

            list.Add((start, offset));
        }

        return order.Select(p => (p, byPath[p]));
    }
}
