using Framework.Host.Cli;
using Microsoft.Extensions.Configuration;

namespace Framework.Host.Tests.Cli;

public sealed class GlobalOptionsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_global_option_is_read_wherever_it_stands_in_both_spellings(bool joined)
    {
        string[] args = joined
            ? ["--set=A:B=1", "plugins", "--plugins-dir=/p", "list", "--no-bundled-plugins", "--settings=x.json", "--verbose"]
            : ["--set", "A:B=1", "plugins", "--plugins-dir", "/p", "list", "--no-bundled-plugins", "--settings", "x.json", "--verbose"];
        var options = GlobalOptions.Parse(args);

        Assert.Equal("plugins", options.Command);
        Assert.Equal([new KeyValuePair<string, string?>("A:B", "1")], options.Values);
        Assert.Equal(["/p"], options.PluginDirectories);
        Assert.Equal(["x.json"], options.SettingsFiles);
        Assert.True(options.SkipBundled);
        Assert.True(options.IsVerbose);
    }

    [Fact]
    public void Set_with_equals_reaches_configuration_as_set_with_a_space_does()
    {
        var spaced = FrameworkApplication.BindOptions(FrameworkApplication.BuildConfiguration(GlobalOptions.Parse(["--set", "Host:Disabled:0=hwbp-x86", "plugins", "list"])));
        var joined = FrameworkApplication.BindOptions(FrameworkApplication.BuildConfiguration(GlobalOptions.Parse(["--set=Host:Disabled:0=hwbp-x86", "plugins", "list"])));

        Assert.Equal(["hwbp-x86"], spaced.Disabled);
        Assert.Equal(["hwbp-x86"], joined.Disabled);
    }

    [Fact]
    public void A_value_may_contain_equals_signs()
    {
        Assert.Equal("a=b", GlobalOptions.Parse(["--set", "Host:Trust:Allowed:x=a=b"]).Values[0].Value);
        Assert.Equal("a=b", GlobalOptions.Parse(["--set=Host:Trust:Allowed:x=a=b"]).Values[0].Value);
    }

    [Fact]
    public void Options_of_later_commands_are_left_for_the_full_command_line()
    {
        var options = GlobalOptions.Parse(["bpf", "run", "prog.s", "--engine", "jit", "--set", "A=1"]);

        Assert.Equal("bpf", options.Command);
        Assert.Equal("A", Assert.Single(options.Values).Key);
    }

    [Theory]
    [InlineData("--set")]
    [InlineData("--settings")]
    [InlineData("--plugins-dir")]
    public void A_missing_value_is_a_format_error_naming_the_option(string option) =>
        Assert.Contains(option, Assert.Throws<FormatException>(() => GlobalOptions.Parse([option])).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("--set", "oops")]
    [InlineData("--set=oops", null)]
    [InlineData("--set", "=value")]
    public void A_set_without_a_key_and_equals_says_what_was_expected(string first, string? second)
    {
        string[] args = second is null ? [first] : [first, second];
        Assert.StartsWith("--set expects key=value", Assert.Throws<FormatException>(() => GlobalOptions.Parse(args)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_wins_over_settings_files_and_plugin_dirs_add_to_configured_paths()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "Host": { "PluginPaths": [ "/from-file" ], "Timeouts": { "Stop": "00:00:07" } } }""");
            var configuration = FrameworkApplication.BuildConfiguration(GlobalOptions.Parse(["--settings", file, "--plugins-dir", "/from-cli", "--set", "Host:Timeouts:Stop=00:00:03"]));
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
        Assert.Equal("--settings: no such file 'nope.json'.", Assert.Throws<FileNotFoundException>(() => FrameworkApplication.BuildConfiguration(GlobalOptions.Parse(["--settings", "nope.json"]))).Message);

    [Fact]
    public void Bundled_settings_read_ahead_are_the_lowest_layer_and_their_failure_comes_after_a_missing_settings_file()
    {
        var bundled = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Host:Timeouts:Stop"] = "00:00:07", ["Host:Timeouts:Start"] = "00:00:09" }).Build();
        var layered = FrameworkApplication.BindOptions(FrameworkApplication.BuildConfiguration(GlobalOptions.Parse(["--set", "Host:Timeouts:Stop=00:00:03"]), Task.FromResult<IConfigurationRoot>(bundled)));
        Assert.Equal(TimeSpan.FromSeconds(3), layered.Timeouts.Stop);
        Assert.Equal(TimeSpan.FromSeconds(9), layered.Timeouts.Start);

        var malformed = Task.FromException<IConfigurationRoot>(new InvalidDataException("Failed to load configuration from file '/opt/framework/appsettings.json'."));
        Assert.Equal("--settings: no such file 'nope.json'.", Assert.Throws<FileNotFoundException>(() => FrameworkApplication.BuildConfiguration(GlobalOptions.Parse(["--settings", "nope.json"]), malformed)).Message);
        Assert.Equal("configuration: Failed to load configuration from file '/opt/framework/appsettings.json'.", Assert.Throws<InvalidDataException>(() => FrameworkApplication.BuildConfiguration(GlobalOptions.Parse([]), malformed)).Message);
    }
}
