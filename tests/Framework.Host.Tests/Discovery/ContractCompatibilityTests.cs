using Framework.Host.Discovery;
using NuGet.Versioning;

namespace Framework.Host.Tests.Discovery;

public sealed class ContractCompatibilityTests
{
    [Theory]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("1.0.0", "1.3.0")]
    [InlineData("1.2.5", "1.2.0")]
    public void Same_major_and_not_newer_minor_loads(string plugin, string host) =>
        Assert.Null(ContractCompatibility.Check(NuGetVersion.Parse(plugin), NuGetVersion.Parse(host)));

    [Fact]
    public void Another_major_is_refused_naming_both() =>
        Assert.Equal(
            "built against Framework.Abstractions 0.9.0, but this host provides 1.0.0: the major versions differ.",
            ContractCompatibility.Check(NuGetVersion.Parse("0.9.0"), NuGetVersion.Parse("1.0.0")));

    [Fact]
    public void A_newer_minor_is_refused_naming_both() =>
        Assert.Equal(
            "built against Framework.Abstractions 1.4.0, newer than this host's 1.3.2: a newer host is needed.",
            ContractCompatibility.Check(NuGetVersion.Parse("1.4.0"), NuGetVersion.Parse("1.3.2")));

    [Fact]
    public void The_host_contract_version_is_the_built_contract() =>
        Assert.Equal("1.2.0", ContractCompatibility.HostContractVersion.ToNormalizedString());
}
