using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class FakeConsole : ICommandConsole
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    public TextWriter Out => _out;

    public TextWriter Error => _error;

    public string Output => _out.ToString();

    public string Errors => _error.ToString();

    public List<(string? Title, IReadOnlyList<string> Columns, List<IReadOnlyList<string>> Rows)> Tables { get; } = [];

    public List<FakeProgress> Progress { get; } = [];

    public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var list = rows.ToList();
        Assert.All(list, r => Assert.Equal(columns.Count, r.Count));
        Tables.Add((title, columns, list));
    }

    public IProgressReporter StartProgress(string description, long total)
    {
        var progress = new FakeProgress(description, total);
        Progress.Add(progress);
        return progress;
    }

    public sealed class FakeProgress(string description, long total) : IProgressReporter
    {
        public string Description { get; } = description;

        public long Total { get; } = total;

        public long Last { get; private set; }

        public bool Disposed { get; private set; }

        public void Report(long done) => Last = done;

        public void Describe(string description)
        {
        }

        public void Dispose() => Disposed = true;
    }
}

public sealed class FakeTelemetry : IPluginTelemetry, IDisposable
{
    public ActivitySource ActivitySource { get; } = new("elf2dmp-test-" + Guid.NewGuid().ToString("N"));

    public Meter Meter { get; } = new("elf2dmp-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}

public sealed class FakePluginBuilder : IPluginBuilder
{
    public FakePluginBuilder(Dictionary<string, string?> settings, string directory)
    {
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Plugin = new PluginInfo("elf2dmp", "0.1.0", "1.0.0", directory);
    }

    public PluginInfo Plugin { get; }

    public IServiceCollection Services { get; } = new ServiceCollection();

    public IConfiguration Configuration { get; }

    public List<PluginCommand> Commands { get; } = [];

    public List<PluginJob> Jobs { get; } = [];

    public IPluginBuilder AddOptions<TOptions>(string? sectionPath = null)
        where TOptions : class
    {
        Services.AddOptions<TOptions>().Bind(sectionPath is null ? Configuration : Configuration.GetSection(sectionPath));
        return this;
    }

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
        where TCapability : class => this;

    /// <summary>The provider a host would build: the plugin's services plus the host's allow-list.</summary>
    public ServiceProvider BuildProvider(IPluginTelemetry telemetry)
    {
        Services.AddLogging();
        Services.AddSingleton(Plugin);
        Services.AddSingleton(telemetry);
        Services.AddSingleton(Configuration);
        return Services.BuildServiceProvider();
    }

    public static async Task<(int Code, FakeConsole Console)> RunAsync(PluginCommand verb, IServiceProvider services, string sub, Dictionary<string, IReadOnlyList<string>> values)
    {
        var command = verb.Subcommands.Single(c => c.Name == sub);
        var console = new FakeConsole();
        var code = await command.Handler!(new CommandContext(services, console, values, $"elf2dmp {sub}"), CancellationToken.None);
        return (code, console);
    }
}
