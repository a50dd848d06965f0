using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;

namespace Framework.Host.Loading;

/// <summary>
/// The assemblies a plugin gets from the host rather than from its own folder, so that the types the
/// host and the plugin exchange are the same types: the contract, Microsoft.Extensions.*.Abstractions,
/// and Options and Primitives, which those abstractions expose. Everything else a plugin uses is
/// private to it, so two plugins may use different versions of one library.
/// </summary>
/// <remarks>
/// This is the one statement of the rule. The host's loader, Framework.Testing and the admission
/// checks call <see cref="IsShared"/>; the contract package's MSBuild targets carry the same
/// <see cref="Pattern"/> (a test compares the two), so a plugin's build leaves these files out.
/// </remarks>
public static partial class SharedAssemblies
{
    /// <summary>The simple names of host-shared assemblies, as a regular expression.</summary>
    public const string Pattern = @"^(Framework\.Abstractions|Microsoft\.Extensions\.Options|Microsoft\.Extensions\.Primitives|Microsoft\.Extensions\..+\.Abstractions)$";

    private static readonly Lazy<IReadOnlyDictionary<string, AssemblyName>> Provided = new(FindProvided);

    /// <summary>Whether the named assembly comes from the host.</summary>
    public static bool IsShared(string? simpleName) => simpleName is not null && SharedPattern().IsMatch(simpleName);

    /// <summary>
    /// The host-shared assemblies this process can provide, by simple name: those on its trusted
    /// platform list (the application's and the framework's own assemblies) and those already loaded
    /// in the default context.
    /// </summary>
    public static IReadOnlyDictionary<string, AssemblyName> HostProvided => Provided.Value;

    private static Dictionary<string, AssemblyName> FindProvided()
    {
        var found = new Dictionary<string, AssemblyName>(StringComparer.Ordinal);
        foreach (var loaded in AssemblyLoadContext.Default.Assemblies)
        {
            var name = loaded.GetName();
            if (IsShared(name.Name))
            {
                found[name.Name!] = name;
            }
        }

        var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
        foreach (var path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var simple = Path.GetFileNameWithoutExtension(path);
            if (!IsShared(simple) || found.ContainsKey(simple))
            {
                continue;
            }

            try
            {
                found[simple] = AssemblyName.GetAssemblyName(path);
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
            {
                // Not readable as an assembly: the host cannot provide it, and admission says so by name.
            }
        }

        return found;
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex SharedPattern();
}
