namespace Framework.Host.Loading;

/// <summary>
/// The assemblies a plugin gets from the host rather than from its own folder, so that the types the
/// host and the plugin exchange are the same types: the contract, Microsoft.Extensions.*.Abstractions,
/// and Options and Primitives, which those abstractions expose. Everything else a plugin uses is
/// private to it, so two plugins may use different versions of one library.
/// </summary>
public static class SharedAssemblies
{
    /// <summary>Whether the named assembly comes from the host.</summary>
    public static bool IsShared(string? simpleName) =>
        simpleName is not null
        && (simpleName == "Framework.Abstractions"
            || simpleName == "Microsoft.Extensions.Options"
            || simpleName == "Microsoft.Extensions.Primitives"
            || (simpleName.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)
                && simpleName.EndsWith(".Abstractions", StringComparison.Ordinal)));
}
