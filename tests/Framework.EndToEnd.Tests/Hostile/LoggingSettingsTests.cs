using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>A log level that is not one is a line naming the key (exit 2), never an abort (exit 134)
/// from inside Microsoft.Extensions.Logging's factory, for one-shot commands and for run alike.</summary>
public sealed class LoggingSettingsTests
{
    [Theory]
    [InlineData("Logging:LogLevel:Default", "Bogus", "bpf", "helpers")]
    [InlineData("Logging:Console:LogLevel:Framework", "Loud", "run", "--stop-after-start")]
    [InlineData("Logging:LogLevel:Microsoft", "42", "plugins", "list")]
    public async Task A_bad_log_level_is_named_and_never_aborts(string key, string value, string verb, string argument)
    {
        var result = await FrameworkProcess.RunAsync(["--set", $"{key}={value}", verb, argument], null, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"configuration: {key} is '{value}', which is not a log level", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
