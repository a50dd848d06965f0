using Framework.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Framework.Host.Tests.Cli;

public sealed class LoggingLevelsTests
{
    private static IConfiguration Settings(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

    [Theory]
    [InlineData("Logging:LogLevel:Default", "Warning")]
    [InlineData("Logging:LogLevel:Default", "warning")]
    [InlineData("Logging:LogLevel:Framework.Host", "None")]
    [InlineData("Logging:Console:LogLevel:Default", "3")]
    [InlineData("Logging:Console:FormatterName", "anything")]
    [InlineData("Logging:LogLevel:Default", "")]
    [InlineData("Logging:LogLevel:Default", " Error ")]
    [InlineData("Logging:LogLevel:Default", "CRITICAL")]
    public void Levels_the_library_reads_are_accepted(string key, string value) =>
        LoggingLevels.Validate(Settings(key, value));

    [Theory]
    [InlineData("Logging:LogLevel:Default", "Bogus")]
    [InlineData("Logging:LogLevel:Default", "7")]
    [InlineData("Logging:loglevel:System", "-1")]
    [InlineData("Logging:Console:LogLevel:Framework", "Verbose")]
    public void Anything_else_names_the_key_and_the_value(string key, string value)
    {
        var e = Assert.Throws<InvalidDataException>(() => LoggingLevels.Validate(Settings(key, value)));

        Assert.StartsWith($"configuration: {key} is '{value}', which is not a log level (Trace, Debug, Information, Warning, Error, Critical, None).", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_names_recognised_without_the_enum_parse_are_the_enum_s_own() =>
        Assert.Equal(Enum.GetNames<Microsoft.Extensions.Logging.LogLevel>(), LoggingLevels.LevelNames);
}
