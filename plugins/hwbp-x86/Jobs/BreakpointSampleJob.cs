using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Framework.Abstractions;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Perf;
using Framework.Plugins.HwbpX86.Plans;
using Framework.Plugins.HwbpX86.SelfTest;
using Framework.Plugins.HwbpX86.Slots;
using Framework.Plugins.HwbpX86.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Framework.Plugins.HwbpX86.Jobs;

/// <summary>
/// The bundled job (<c>Plugins:hwbp-x86:Sample:Enabled</c>): logs this machine's slot accounting
/// (model and kernel), the self-test's verdict, and, where traps are delivered, a write watchpoint
/// on a demo variable with each hit as a log record, a span event and a count.
/// </summary>
public static class BreakpointSampleJob
{
    /// <summary>The job's name.</summary>
    public const string Name = "sample-breakpoints";

    /// <summary>Creates the job.</summary>
    public static PluginJob Create() => new(
        Name,
        "Shows this machine's breakpoint slots, the self-test's verdict, and a watchpoint on a demo variable where traps are delivered.",
        (services, cancellationToken) => Task.Run(() => Run(services), cancellationToken));

    /// <summary>Runs the job; returns the demo watch's hit count (0 where traps are not delivered).</summary>
    public static long Run(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Framework.Plugins.HwbpX86.Sample") ?? NullLogger.Instance;
        var telemetry = services.GetService<IPluginTelemetry>();
        var topology = CpuTopology.FromSystem();
        foreach (var line in SlotSurvey.Run(topology, kernel: true))
        {
            logger.LogInformation("Breakpoint slots, {Binding}: the model accepts {Model}, the kernel {Kernel} (then {Stop}); x86 shares 4 debug registers between data and instruction breakpoints.",
                line.Binding, line.Model, line.Kernel, line.KernelError);
        }

        var selfTest = BreakpointSelfTest.Run();
        logger.LogInformation("Breakpoint self-test: {Verdict}", selfTest.Verdict);
        if (!selfTest.Delivered)
        {
            logger.LogWarning("Demo watchpoint skipped: {Reason}", selfTest.Armed ? "traps are not delivered on this machine" : selfTest.Error);
            return 0;
        }

        return DemoWatch(logger, telemetry);
    }

    private static unsafe long DemoWatch(ILogger logger, IPluginTelemetry? telemetry)
    {
        long hits = 0;
        var thread = new Thread(() =>
        {
            try
            {
                // A page of its own, as in the self-test (see WatchedVariable).
                using var page = new WatchedVariable();
                var variable = page.Pointer;
                using var activity = telemetry?.ActivitySource.StartActivity("hwbp.watch demo-variable");
                var counter = telemetry?.Meter.CreateCounter<long>("hwbp.hits", description: "Delivered hardware breakpoint hits.");
                using var watch = PerfBreakpointWatch.Arm(new WatchRequest(Environment.ProcessId, page.Address, 8, HwBreakpointType.Write, [LibC.GetTid()]));
                for (var i = 1; i <= 5; i++)
                {
                    Volatile.Write(ref *variable, i);
                }

                foreach (var hit in watch.Drain())
                {
                    hits++;
                    counter?.Add(1, new KeyValuePair<string, object?>("hwbp.backend", "perf"));
                    activity?.AddEvent(new ActivityEvent("hwbp.hit", tags: new ActivityTagsCollection
                    {
                        ["hwbp.address"] = string.Create(CultureInfo.InvariantCulture, $"0x{hit.Address:x}"),
                        ["hwbp.ip"] = string.Create(CultureInfo.InvariantCulture, $"0x{hit.InstructionPointer:x}"),
                        ["thread.id"] = hit.Tid,
                    }));
                    logger.LogInformation("Demo watchpoint hit: address 0x{Address:x}, instruction pointer 0x{Ip:x}, thread {Tid}.", hit.Address, hit.InstructionPointer, hit.Tid);
                }
            }
            catch (HwbpException e)
            {
                logger.LogWarning("Demo watchpoint could not be armed: {Error}", e.Message);
            }
        }) { IsBackground = true, Name = "hwbp demo" };
        thread.Start();
        thread.Join();
        logger.LogInformation("Demo watchpoint: 5 writes, {Hits} hits.", hits);
        return hits;
    }
}
