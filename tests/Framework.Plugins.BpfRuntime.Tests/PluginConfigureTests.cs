using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Framework.Abstractions.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Primitives;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class PluginConfigureTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void Configure_registers_the_verb_the_capability_and_the_sample_job_when_enabled(string? enabled, bool expectJob)
    {
        var builder = new FakeBuilder(new Dictionary<string, string?> { ["Sample:Enabled"] = enabled });
        new BpfRuntimePlugin().Configure(builder);
        var bpf = Assert.Single(builder.Commands);
        Assert.Equal("bpf", bpf.Name);
        Assert.Equal(
            ["asm", "disasm", "run", "verify", "conformance", "conformance-plugin", "helpers", "fuzz-diff", "map"],
            bpf.Subcommands.Select(c => c.Name));
        Assert.Equal(expectJob, builder.Jobs.Any(j => j.Name == "packet-counter"));
        Assert.Contains(typeof(IPacketFilterProvider), builder.Capabilities);
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(Syscall.BpfSystem));
    }

    private sealed class FakeBuilder(Dictionary<string, string?> settings) : IPluginBuilder
    {
        public List<PluginCommand> Commands { get; } = new();

        public List<PluginJob> Jobs { get; } = new();

        public List<Type> Capabilities { get; } = new();

        public PluginInfo Plugin { get; } = new("bpf-runtime", "0.1.0", "1.0.0", AppContext.BaseDirectory);

        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new FakeConfiguration(settings);

        public IPluginBuilder AddOptions<TOptions>(string? sectionPath = null)
            where TOptions : class => this;

        public IPluginBuilder AddCommand(PluginCommand command)
        {
            Commands.Add(command);
            return this;
        }

        public IPluginBuilder AddJob(PluginJob job)
        {
            Jobs.Add(job);
            return this;
        }

        public IPluginBuilder AddHealthCheck(string name, Func<IServiceProvider, IHealthCheck> factory) => this;

        public IPluginBuilder PublishCapability<TCapability>(Func<IServiceProvider, TCapability> factory)
            where TCapability : class
        {
            Capabilities.Add(typeof(TCapability));
            return this;
        }
    }

    private sealed class FakeConfiguration(Dictionary<string, string?> settings) : IConfiguration
    {
        public string? this[string key]
        {
            get => settings.GetValueOrDefault(key);
            set => settings[key] = value;
        }

        public IEnumerable<IConfigurationSection> GetChildren() => [];

        public IChangeToken GetReloadToken() => throw new NotSupportedException();

        public IConfigurationSection GetSection(string key) => throw new NotSupportedException();
    }
}
