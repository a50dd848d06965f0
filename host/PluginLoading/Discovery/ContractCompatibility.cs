using System.Reflection;
using Framework.Abstractions;
using NuGet.Versioning;

namespace Framework.Host.Discovery;

/// <summary>
/// The contract's versioning rule: a plugin built against contract a.b loads in a host with contract
/// a.c when c &gt;= b. Another major, or a newer minor, is refused with both versions named.
/// </summary>
public static class ContractCompatibility
{
    /// <summary>The contract version this host was built with.</summary>
    public static NuGetVersion HostContractVersion { get; } = ReadHostContractVersion();

    /// <summary>Null when a plugin built against <paramref name="pluginContract"/> can load in a host
    /// with <paramref name="hostContract"/>; otherwise the reason, naming both versions.</summary>
    public static string? Check(NuGetVersion pluginContract, NuGetVersion hostContract)
    {
        if (pluginContract.Major != hostContract.Major)
        {
            return $"built against Framework.Abstractions {pluginContract.ToNormalizedString()}, but this host provides {hostContract.ToNormalizedString()}: the major versions differ.";
        }

        if (pluginContract.Minor > hostContract.Minor)
        {
            return $"built against Framework.Abstractions {pluginContract.ToNormalizedString()}, newer than this host's {hostContract.ToNormalizedString()}: a newer host is needed.";
        }

        return null;
    }

    private static NuGetVersion ReadHostContractVersion()
    {
        var informational = typeof(IPlugin).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var plain = informational?.Split('+')[0];
        return plain is not null && NuGetVersion.TryParse(plain, out var version)
            ? version
            : new NuGetVersion(typeof(IPlugin).Assembly.GetName().Version ?? new Version(1, 0, 0));
    }
}
