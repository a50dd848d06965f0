using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Plugins.Elf2Dmp.Conversion;
using Framework.Plugins.Elf2Dmp.Spool;
using Framework.Plugins.Elf2Dmp.Tests.Guest;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class SpoolTests
{
    private static (SpoolProcessor Processor, FakeTelemetry Telemetry) Create(string spool, string symbols, TimeSpan settle)
    {
        var telemetry = new FakeTelemetry();
        var processor = new SpoolProcessor(
            Options.Create(new SpoolOptions { Enabled = true, Folder = spool, SettleTime = settle }),
            Options.Create(new Elf2DmpOptions { SymbolPath = symbols }),
            new ConversionTelemetry(telemetry),
            NullLogger<SpoolProcessor>.Instance);
        return (processor, telemetry);
    }

    [RequiresToolsFact]
    public async Task Dropped_dumps_are_converted_one_at_a_time_with_spans_and_metrics()
    {
        using var folder = new TestFolder();
        var spool = folder.File("spool");
        Directory.CreateDirectory(spool);
        var guest = new SyntheticGuest(new GuestOptions { CpuCount = 2 });
        guest.WriteElf(Path.Combine(spool, "vm1.elf"));
        File.WriteAllBytes(Path.Combine(spool, "broken.elf"), "not a dump"u8.ToArray());
        var symbols = folder.File("symbols");
        GuestFixture.AddToStore(symbols, guest.Kernel.PdbPath);
        var (processor, telemetry) = Create(spool, symbols, TimeSpan.Zero);
        using var _ = telemetry;

        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == telemetry.ActivitySource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        long bytes = 0, conversions = 0;
        using var meters = new MeterListener { InstrumentPublished = (i, l) => { if (i.Meter == telemetry.Meter) { l.EnableMeasurementEvents(i); } } };
        meters.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "elf2dmp.bytes_written") { bytes += value; }
            if (instrument.Name == "elf2dmp.conversions") { conversions += value; }
        });
        meters.Start();

        Assert.Equal(2, await processor.ProcessPendingAsync(CancellationToken.None));

        Assert.True(File.Exists(Path.Combine(spool, "dmp", "vm1.dmp")));
        Assert.True(File.Exists(Path.Combine(spool, "done", "vm1.elf")));
        Assert.True(File.Exists(Path.Combine(spool, "failed", "broken.elf")));
        Assert.Contains("not an ELF file", await File.ReadAllTextAsync(Path.Combine(spool, "failed", "broken.error.txt")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(spool, "dmp", "broken.dmp")));
        Assert.Equal(new FileInfo(Path.Combine(spool, "dmp", "vm1.dmp")).Length, bytes);
        Assert.Equal(2, conversions);
        var roots = spans.Where(s => s.OperationName == "elf2dmp.convert").ToList();
        Assert.Equal(2, roots.Count);
        Assert.Equal(ActivityStatusCode.Error, roots.Single(r => ((string)r.GetTagItem("elf2dmp.input")!).EndsWith("broken.elf", StringComparison.Ordinal)).Status);
        var good = roots.Single(r => ((string)r.GetTagItem("elf2dmp.input")!).EndsWith("vm1.elf", StringComparison.Ordinal));
        Assert.Equal(9, spans.Count(s => s.Parent == good));
        Assert.Equal(0, await processor.ProcessPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Files_still_being_written_are_left_for_later()
    {
        using var folder = new TestFolder();
        File.WriteAllBytes(folder.File("fresh.elf"), [1, 2, 3]);
        var (processor, telemetry) = Create(folder.Path, folder.Path, TimeSpan.FromHours(1));
        using var _ = telemetry;

        Assert.Equal(0, await processor.ProcessPendingAsync(CancellationToken.None));
        Assert.True(File.Exists(folder.File("fresh.elf")));
    }

    [Fact]
    public async Task The_watcher_does_nothing_when_disabled_and_stops_with_the_host()
    {
        using var folder = new TestFolder();
        var telemetry = new FakeTelemetry();
        var options = Options.Create(new SpoolOptions { Enabled = true, Folder = folder.Path, PollInterval = TimeSpan.FromMilliseconds(50) });
        var processor = new SpoolProcessor(options, Options.Create(new Elf2DmpOptions()), new ConversionTelemetry(telemetry), NullLogger<SpoolProcessor>.Instance);
        using var watcher = new SpoolWatcher(processor, options, NullLogger<SpoolWatcher>.Instance);

        await watcher.StartAsync(CancellationToken.None);
        await Task.Delay(200);
        await watcher.StopAsync(CancellationToken.None);

        Assert.True(Directory.Exists(folder.Path));
        telemetry.Dispose();
    }

    [RequiresToolsFact]
    public async Task The_hosted_watcher_converts_a_dropped_dump()
    {
        using var folder = new TestFolder();
        var spool = Directory.CreateDirectory(folder.File("spool")).FullName;
        var guest = new SyntheticGuest(new GuestOptions { CpuCount = 1 });
        var symbols = folder.File("symbols");
        GuestFixture.AddToStore(symbols, guest.Kernel.PdbPath);
        using var telemetry = new FakeTelemetry();
        var options = Options.Create(new SpoolOptions { Enabled = true, Folder = spool, PollInterval = TimeSpan.FromMilliseconds(100), SettleTime = TimeSpan.FromMilliseconds(200) });
        var processor = new SpoolProcessor(options, Options.Create(new Elf2DmpOptions { SymbolPath = symbols }), new ConversionTelemetry(telemetry), NullLogger<SpoolProcessor>.Instance);
        using var watcher = new SpoolWatcher(processor, options, NullLogger<SpoolWatcher>.Instance);
        await watcher.StartAsync(CancellationToken.None);

        // Written under another name and renamed, as a careful producer does.
        guest.WriteElf(Path.Combine(spool, "vm.part"));
        File.Move(Path.Combine(spool, "vm.part"), Path.Combine(spool, "vm.elf"));
        var output = Path.Combine(spool, "dmp", "vm.dmp");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(Path.Combine(spool, "done", "vm.elf")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await watcher.StopAsync(CancellationToken.None);
        Assert.True(File.Exists(output));
        using var dump = Dump.DumpFile.Open(output);
        Assert.Equal(1u, dump.Header.NumberProcessors);
    }
}
