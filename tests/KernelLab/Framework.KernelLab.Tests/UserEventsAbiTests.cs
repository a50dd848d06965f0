namespace Framework.KernelLab.Tests;

/// <summary>user_events from .NET in the guest through the 6.4+ ABI (the guest driver's
/// user-events-abi probe): the facility the user-events plugin's kernel backend builds on.</summary>
[Collection(LabCollection.Name)]
[Trait("Category", "KernelLab")]
public sealed class UserEventsAbiTests
{
    [KernelLabFact]
    public async Task Register_enable_write_trace_disable_unregister_delete()
    {
        var (result, findings) = await GuestDriver.RunProbeAsync("user-events-abi");
        var context = result.Describe();

        Assert.True(findings.GetProperty("registeredInStatus").GetBoolean(), context);
        var format = findings.GetProperty("format").GetString()!;
        Assert.Contains("u32 count", format, StringComparison.Ordinal);
        Assert.Contains("__rel_loc char[] msg", format, StringComparison.Ordinal);

        // The kernel flips our enable bit when tracefs enables the event, and clears it again.
        Assert.False(findings.GetProperty("bitBeforeEnable").GetBoolean(), context);
        Assert.True(findings.GetProperty("bitAfterEnable").GetBoolean(), context);
        Assert.False(findings.GetProperty("bitAfterDisable").GetBoolean(), context);
        Assert.False(findings.GetProperty("bitAfterUnregisterAndEnable").GetBoolean(), context);

        // One writev: the write index (4 bytes) and the 24-byte fixed part plus the message.
        Assert.Equal(4 + 24 + "hello from .NET".Length + 1, findings.GetProperty("bytesWritten").GetInt64());
        var trace = Assert.Single(findings.GetProperty("trace").EnumerateArray()).GetString()!;
        Assert.Contains("framework_lab:", trace, StringComparison.Ordinal);
        Assert.Contains("count=0x2a (42)", trace, StringComparison.Ordinal);
        Assert.Contains("stamp=0x1122334455667788", trace, StringComparison.Ordinal);
        Assert.Contains("tag=lab", trace, StringComparison.Ordinal);
        Assert.Contains("msg=hello from .NET", trace, StringComparison.Ordinal);

        Assert.False(findings.GetProperty("eventDirectoryAfterDelete").GetBoolean(), context);
        Assert.False(findings.GetProperty("inStatusAfterDelete").GetBoolean(), context);
    }
}
