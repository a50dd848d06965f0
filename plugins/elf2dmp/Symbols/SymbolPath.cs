namespace Framework.Plugins.Elf2Dmp.Symbols;

/// <summary>
/// A symbol path with the debuggers' usual semantics: elements separated by <c>;</c>, each a local
/// folder, <c>cache*folder</c>, or <c>srv*cache*url</c> (<c>srv*url</c> uses <see cref="DefaultCache"/>).
/// Folders are searched in the symbol-store layout (<c>name/KEY/name</c>) and flat. The default comes
/// from the <c>_NT_SYMBOL_PATH</c> environment variable.
/// </summary>
public sealed class SymbolPath
{
    /// <summary>The environment variable holding the default symbol path.</summary>
    public const string EnvironmentVariable = "_NT_SYMBOL_PATH";

    private SymbolPath(string text, IReadOnlyList<SymbolPathElement> elements)
    {
        Text = text;
        Elements = elements;
    }

    /// <summary>The text the path was parsed from.</summary>
    public string Text { get; }

    /// <summary>The elements, in search order.</summary>
    public IReadOnlyList<SymbolPathElement> Elements { get; }

    /// <summary>The cache used by <c>srv*url</c>: <c>$XDG_CACHE_HOME/framework/symbols</c> or <c>~/.cache/framework/symbols</c>.</summary>
    public static string DefaultCache
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(root))
            {
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            }

            return Path.Combine(root, "framework", "symbols");
        }
    }

    /// <summary>Parses a symbol path.</summary>
    /// <exception cref="Elf2DmpException">An element is malformed (InvalidData).</exception>
    public static SymbolPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var elements = new List<SymbolPathElement>();
        foreach (var raw in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = raw.Split('*');
            var head = parts[0].ToLowerInvariant();
            if (head is "srv" or "symsrv")
            {
                var rest = parts.Skip(head == "symsrv" ? 2 : 1).ToList();
                if (rest.Count == 0 || !Uri.TryCreate(rest[^1], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    throw new Elf2DmpException(Elf2DmpError.InvalidData, "symbol path", null, $"'{raw}' does not end with an http(s) server URL");
                }

                var caches = rest.Take(rest.Count - 1).Where(c => c.Length > 0).ToList();
                if (caches.Count == 0)
                {
                    caches.Add(DefaultCache);
                }

                elements.Add(new SymbolPathElement(caches, url));
            }
            else if (head == "cache")
            {
                elements.Add(new SymbolPathElement(parts.Skip(1).Where(c => c.Length > 0).DefaultIfEmpty(DefaultCache).ToList()!, null));
            }
            else
            {
                elements.Add(new SymbolPathElement([raw], null));
            }
        }

        return new SymbolPath(text, elements);
    }

    /// <summary>The path given, or else the environment variable's.</summary>
    /// <exception cref="Elf2DmpException">Neither is set (NotFound).</exception>
    public static SymbolPath FromOptionOrEnvironment(string? text)
    {
        var chosen = string.IsNullOrWhiteSpace(text) ? Environment.GetEnvironmentVariable(EnvironmentVariable) : text;
        if (string.IsNullOrWhiteSpace(chosen))
        {
            throw new Elf2DmpException(Elf2DmpError.NotFound, "symbol path", null,
                $"no symbol path: give one with --symbol-path (-y), for example -y srv*~/.cache/symbols*https://msdl.microsoft.com/download/symbols, or set Plugins:elf2dmp:SymbolPath or {EnvironmentVariable} (the bundled sample's symbols are in the plugin's Sample/symbols folder: -y <plugin folder>/Sample/symbols)");
        }

        return Parse(chosen);
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
