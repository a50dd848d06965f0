using System.Diagnostics;
using Framework.Plugins.Elf2Dmp.Sample;
using Framework.Plugins.Elf2Dmp.Spool;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class PluginTests
{
    [Fact]
    public void Configure_registers_the_verb_the_watcher_and_the_sample_job_only_when_enabled()
    {
        var off = new FakePluginBuilder([], "/x");
        new Elf2DmpPlugin().Configure(off);
        var on = new FakePluginBuilder(new() { ["Sample:Enabled"] = "true", ["Spool:Enabled"] = "true" }, "/x");
        new Elf2DmpPlugin().Configure(on);

        Assert.Equal("elf2dmp", Assert.Single(off.Commands).Name);
        Assert.Equal(["convert", "inspect"], off.Commands[0].Subcommands.Select(c => c.Name));
        Assert.Empty(off.Jobs);
        Assert.Equal(SampleJob.Name, Assert.Single(on.Jobs).Name);
        Assert.DoesNotContain(off.Services, d => d.ServiceType == typeof(IHostedService));
        Assert.Contains(on.Services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(SpoolWatcher));
    }

    [Fact]
    public async Task The_sample_job_converts_and_inspects_the_bundled_dump_in_spans()
    {
        using var folder = new TestFolder();
        var builder = new FakePluginBuilder(new() { ["Sample:Enabled"] = "true", ["Sample:OutputFolder"] = folder.Path }, Path.Combine(RepositoryPaths.Root, "plugins", "elf2dmp"));
        new Elf2DmpPlugin().Configure(builder);
        using var telemetry = new FakeTelemetry();
        await using var services = builder.BuildProvider(telemetry);
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == telemetry.ActivitySource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await builder.Jobs.Single().Run(services, CancellationToken.None);

        Assert.True(File.Exists(folder.File("guest.dmp")));
        var root = Assert.Single(spans, s => s.OperationName == "elf2dmp.convert");
        var stages = spans.Where(s => s.Parent == root).Select(s => s.OperationName).ToList();
        Assert.Equal(Enum.GetNames<Conversion.ConversionStage>().Select(n => "elf2dmp.stage." + n), stages);
    }
}
