using Framework.Host.Cli;
using Microsoft.Extensions.Configuration;

namespace Framework.Host.Tests.Cli;

public sealed class GlobalOptionsTests
{
    [Fact]
    public void Global_options_are_read_wherever_they_stand()
    {
        var options = GlobalOptions.Scan(["--set", "A:B=1", "plugins", "--plugins-dir=/p", "list", "--no-bundled-plugins", "--settings", "x.json", "--verbose"]);

        Assert.Equal("plugins", options.Command);
        Assert.Equal([new KeyValuePair<string, string?>("A:B", "1")], options.Values);
        Assert.Equal(["/p"], options.PluginDirectories);
        Assert.Equal(["x.json"], options.SettingsFiles);
        Assert.True(options.SkipBundled);
        Assert.True(options.IsVerbose);
    }

    [Fact]
    public void A_value_may_contain_equals_signs()
    {
        var options = GlobalOptions.Scan(["--set", "Host:Trust:Allowed:x=a=b"]);
        Assert.Equal("a=b", options.Values[0].Value);
    }

    [Theory]
    [InlineData("--set", "--set needs a value.")]
    [InlineData("--settings", "--settings needs a value.")]
    public void A_missing_value_is_a_format_error(string option, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => GlobalOptions.Scan([option])).Message);

    [Fact]
    public void A_set_without_equals_says_what_was_expected() =>
        Assert.StartsWith("--set expects key=value", Assert.Throws<FormatException>(() => GlobalOptions.Scan(["--set", "oops"])).Message, StringComparison.Ordinal);

    [Fact]
    public void Set_wins_over_settings_files_and_plugin_dirs_add_to_configured_paths()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "Host": { "PluginPaths": [ "/from-file" ], "Timeouts": { "Stop": "00:00:07" } } }""");
            var configuration = FrameworkApplication.BuildConfiguration(GlobalOptions.Scan(["--settings", file, "--plugins-dir", "/from-cli", "--set", "Host:Timeouts:Stop=00:00:03"]));
            var options = FrameworkApplication.BindOptions(configuration);

            Assert.Equal(["/from-file", "/from-cli"], options.PluginPaths);
            Assert.Equal(TimeSpan.FromSeconds(3), options.Timeouts.Stop);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_bad_timeout_names_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Host:Timeouts:Start"] = "-00:00:01" }).Build();
        Assert.Equal("Host:Timeouts:Start must be positive, got -00:00:01.", Assert.Throws<InvalidOperationException>(() => FrameworkApplication.BindOptions(configuration)).Message);
    }

    [Fact]
    public void A_settings_file_that_does_not_exist_is_named() =>
        Assert.Equal("--settings: no such file 'nope.json'.", Assert.Throws<FileNotFoundException>(() => FrameworkApplication.BuildConfiguration(GlobalOptions.Scan(["--settings", "nope.json"]))).Message);
}
