using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>A thread that exists only to be a task for task-bound breakpoints: it reports its thread
/// id and sleeps until disposed.</summary>
internal sealed class PlanThread : IDisposable
{
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;

    public PlanThread(string name)
    {
        using var started = new ManualResetEventSlim();
        var tid = 0;
        _thread = new Thread(() =>
        {
            tid = LibC.GetTid();
            started.Set();
            _stop.Wait();
        })
        {
            IsBackground = true,
            Name = $"hwbp plan task {name}",
        };
        _thread.Start();
        started.Wait();
        Tid = tid;
    }

    public int Tid { get; }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }
}
