using System.Buffers.Binary;
using System.Globalization;
using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Kernel;
using Framework.Plugins.UserEvents.Native;

namespace Framework.Plugins.UserEvents.Collector;

/// <summary>
/// The live collector of the kernel backend: a perf event per tracepoint and online CPU, each with
/// its mmap ring, drained on one thread that waits in poll(). Samples carry the raw trace record
/// (common header and payload), decoded with the tracepoint's format. Attaching sets the events'
/// perf status bit, which flips the writers' enable bits on.
/// </summary>
public sealed class PerfTracepointCollector : IUserEventsListener
{
    private readonly List<PerfTracepointRing> _rings = [];
    private readonly Dictionary<int, TracefsEventFormat> _formats = [];
    private readonly Action<UserEventSample> _onSample;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _lost;

    /// <summary>Opens the rings for <paramref name="formats"/> and starts reading.</summary>
    /// <param name="formats">The tracepoints.</param>
    /// <param name="onSample">Called on the collector's thread for every sample.</param>
    /// <param name="dataPages">Ring pages per CPU and tracepoint, a power of two.</param>
    public PerfTracepointCollector(IReadOnlyList<TracefsEventFormat> formats, Action<UserEventSample> onSample, int dataPages = 16)
    {
        ArgumentNullException.ThrowIfNull(formats);
        _onSample = onSample ?? throw new ArgumentNullException(nameof(onSample));
        try
        {
            foreach (var format in formats)
            {
                _formats[format.Id] = format;
                foreach (var cpu in OnlineCpus())
                {
                    _rings.Add(PerfTracepointRing.Open(format.Id, cpu, dataPages));
                }
            }
        }
        catch
        {
            foreach (var ring in _rings)
            {
                ring.Dispose();
            }

            throw;
        }

        Tracepoints = [.. formats.Select(f => $"{f.System}:{f.Name}")];
        _thread = new Thread(Run) { IsBackground = true, Name = "user-events perf collector" };
        _thread.Start();
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Tracepoints { get; }

    /// <inheritdoc />
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Samples that did not carry a known tracepoint's record.</summary>
    public long Malformed { get; private set; }

    /// <summary>The online CPUs from /sys/devices/system/cpu/online ("0-3,6").</summary>
    public static IReadOnlyList<int> OnlineCpus()
    {
        try
        {
            var text = File.ReadAllText("/sys/devices/system/cpu/online").Trim();
            var cpus = new List<int>();
            foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var dash = part.IndexOf('-', StringComparison.Ordinal);
                var first = int.Parse(dash < 0 ? part : part[..dash], CultureInfo.InvariantCulture);
                var last = dash < 0 ? first : int.Parse(part[(dash + 1)..], CultureInfo.InvariantCulture);
                for (var cpu = first; cpu <= last; cpu++)
                {
                    cpus.Add(cpu);
                }
            }

            return cpus;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return [.. Enumerable.Range(0, Environment.ProcessorCount)];
        }
    }

    /// <summary>Stops reading (draining what is in the rings first) and closes the rings.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _thread.Join();
        foreach (var ring in _rings)
        {
            ring.Dispose();
        }
    }

    private void Run()
    {
        while (!_stopping)
        {
            PerfTracepointRing.Wait(_rings, 100);
            DrainAll();
        }

        DrainAll();
    }

    private void DrainAll()
    {
        foreach (var ring in _rings)
        {
            ring.Drain(OnRecord);
        }
    }

    private void OnRecord(uint type, ReadOnlySpan<byte> body)
    {
        if (type == PerfRingRecord.Lost)
        {
            if (PerfRingRecord.TryReadLost(body, out var lost))
            {
                Interlocked.Add(ref _lost, (long)Math.Min(lost, long.MaxValue));
            }

            return;
        }

        if (type != PerfRingRecord.Sample)
        {
            return;
        }

        if (!PerfRingRecord.TryReadSample(body, out var pid, out var time, out var cpu, out var raw))
        {
            Malformed++;
            return;
        }

        var commonType = BinaryPrimitives.ReadUInt16LittleEndian(raw);
        if (!_formats.TryGetValue(commonType, out var format))
        {
            Malformed++;
            return;
        }

        _onSample(new UserEventSample(format.System, format.Name, format.Definition, raw.ToArray(), cpu, pid, time));
    }
}
