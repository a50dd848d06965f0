namespace Framework.EndToEnd.Tests.Hostile;

/// <summary><c>vector bridge</c> never reports a bridge that forwarded nothing as a success.</summary>
public sealed class BridgeOutcomeTests
{
    [Fact]
    public async Task A_bridge_between_interfaces_that_do_not_exist_fails_with_exit_1_naming_the_side()
    {
        var result = await Scratch.Run("vector", "bridge", "transport=raw,ifname=fwnone0", "transport=raw,ifname=fwnone1", "--duration", "3");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("framework vector bridge: side a (transport=raw,ifname=fwnone0) cannot be opened", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("errors", result.Output, StringComparison.Ordinal);
    }
}
