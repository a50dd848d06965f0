using Framework.Abstractions.Capabilities;
using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Transports;
using Microsoft.Extensions.Logging;

namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>
/// A userspace L2 bridge between two vector transports: every frame received on one side is sent on
/// the other, in batches of the transports' depth, through an optional packet filter. One thread
/// serves both directions (it waits on both receive descriptors at once), so no frame is reordered and
/// no lock is taken per packet. A side that fails is closed and reopened with exponential back-off
/// while the bridge goes on; each failure is logged and counted. A packet filter that fails after it
/// loaded (its provider's process died, for one served from another process) is dropped and loaded
/// again from whichever provider is offered then, with back-off; until then every frame is dropped
/// and counted, never forwarded unfiltered.
/// </summary>
/// <remarks>Thread-safe: <see cref="Snapshot"/> may be called from any thread while <see cref="RunAsync"/> runs.
/// Run it once; cancelling its token stops it gracefully (pending frames are flushed, transports closed).</remarks>
public sealed class VectorBridge
{
    private const int PollMilliseconds = 100;

    private readonly BridgeDefinition _definition;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<IPacketFilterProvider?>? _filterProvider;
    private readonly Func<VectorSpec, VectorTransport> _open;
    private readonly Action<string, bool, int>? _batchObserver;
    private readonly Side _a;
    private readonly Side _b;
    private IPacketFilter? _filter;
    private string? _filterDescription;
    private long _filterDropsAToB;
    private long _filterDropsBToA;
    private long _filterFailuresAToB;
    private long _filterFailuresBToA;

    // Set once the filter loaded: from then on, while the filter is gone, frames are read and
    // dropped (counted) rather than left queued in the sockets for however long it stays away.
    private bool _filterLoadedOnce;
    private volatile BridgeState _state = BridgeState.Starting;

    /// <summary>Creates a bridge; nothing is opened until <see cref="RunAsync"/>.</summary>
    /// <param name="definition">The bridge's configuration.</param>
    /// <param name="logger">Where failures and reopens are reported.</param>
    /// <param name="time">The clock for back-off.</param>
    /// <param name="filterProvider">Resolves the packet filter capability when the bridge needs it (at use
    /// time, as providers come and go); null when none can be offered.</param>
    /// <param name="open">Opens a transport; defaults to <see cref="TransportRegistry.Open(VectorSpec)"/>.</param>
    /// <param name="batchObserver">Called with (side, receive?, messages) after each system call, for metrics.</param>
    /// <exception cref="VectorOptionException">A side's option string is malformed.</exception>
    public VectorBridge(
        BridgeDefinition definition,
        ILogger logger,
        TimeProvider? time = null,
        Func<IPacketFilterProvider?>? filterProvider = null,
        Func<VectorSpec, VectorTransport>? open = null,
        Action<string, bool, int>? batchObserver = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definition = definition;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _filterProvider = filterProvider;
        _open = open ?? TransportRegistry.Open;
        _batchObserver = batchObserver;
        var initial = TimeSpan.FromMilliseconds(definition.ReopenInitialDelayMilliseconds);
        var maximum = TimeSpan.FromMilliseconds(definition.ReopenMaximumDelayMilliseconds);
        _a = new Side("a", VectorSpecParser.Parse(definition.A), new BackOff(initial, maximum));
        _b = new Side("b", VectorSpecParser.Parse(definition.B), new BackOff(initial, maximum));
    }

    /// <summary>Whether a side that cannot be opened the first time ends the bridge
    /// (<see cref="RunAsync"/> fails with <see cref="TransportFailedException"/> naming the side)
    /// instead of being retried with back-off. A one-shot <c>vector bridge</c> wants this: an
    /// interface that does not exist is a failure, not a bridge that forwards nothing. A side lost
    /// after it was open is reopened either way.</summary>
    public bool FailOnFirstOpen { get; init; }

    /// <summary>The bridge's name.</summary>
    public string Name => _definition.Name;

    /// <summary>Its state.</summary>
    public BridgeState State => _state;

    /// <summary>Runs the bridge on a dedicated thread until <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Run(cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>The counters and state now.</summary>
    public BridgeSnapshot Snapshot() => new(
        Name, _state, _a.Snapshot(), _b.Snapshot(), Interlocked.Read(ref _filterDropsAToB), Interlocked.Read(ref _filterDropsBToA), _filterDescription)
    {
        FilterFailuresAToB = Interlocked.Read(ref _filterFailuresAToB),
        FilterFailuresBToA = Interlocked.Read(ref _filterFailuresBToA),
    };

    private void Run(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var filtering = EnsureFilter(cancellationToken);
                if ((!filtering && !_filterLoadedOnce) || !EnsureOpen(_a) | !EnsureOpen(_b))
                {
                    if (_state != BridgeState.WaitingForPacketFilter)
                    {
                        _state = BridgeState.Reopening;
                    }

                    WaitForNextAttempt(cancellationToken);
                    continue;
                }

                _state = filtering ? BridgeState.Forwarding : BridgeState.WaitingForPacketFilter;
                var (ra, rb) = Syscall.PollEither(_a.Transport!.ReceiveDescriptor, _b.Transport!.ReceiveDescriptor, PollMilliseconds);
                if (ra != 0)
                {
                    Forward(_a, _b, ra, ref _filterDropsAToB, ref _filterFailuresAToB);
                }

                if (rb != 0 && _a.Transport is not null && _b.Transport is not null)
                {
                    Forward(_b, _a, rb, ref _filterDropsBToA, ref _filterFailuresBToA);
                }
            }
        }
        finally
        {
            Close(_a);
            Close(_b);
            _filter?.Dispose();
            _state = BridgeState.Stopped;
        }
    }

    private void Forward(Side from, Side to, short revents, ref long filterDrops, ref long filterFailures)
    {
        int count;
        try
        {
            count = from.Transport!.Receive(0);
        }
        catch (VectorTransportException e)
        {
            Fail(from, e);
            return;
        }

        if (count == 0 && (revents & (LinuxConstants.POLLHUP | LinuxConstants.POLLNVAL)) != 0)
        {
            // Nothing to read yet the descriptor hung up: without this the loop would spin on it.
            Fail(from, new TransportFailedException($"{from.Transport} hung up"));
            return;
        }

        var destination = to.Transport!;
        var filter = _filter;
        if (_definition.PacketFilter is not null && filter is null)
        {
            // The filter is gone and not back yet: nothing crosses unfiltered.
            Interlocked.Add(ref filterFailures, count);
            return;
        }

        try
        {
            for (var i = 0; i < count; i++)
            {
                var frame = from.Transport.Frame(i);
                if (filter is not null)
                {
                    if (!TryFilter(filter, frame, out var keep))
                    {
                        // This frame and the rest of the batch are dropped: the filter is gone.
                        Interlocked.Add(ref filterFailures, count - i);
                        break;
                    }

                    if (keep == 0)
                    {
                        Interlocked.Increment(ref filterDrops);
                        continue;
                    }

                    if (keep < frame.Length)
                    {
                        frame = frame[..(int)keep];
                    }
                }

                // Super-frames from a gro=1 side go on whole to a gro=1 side, segmented to any other.
                var offload = from.Transport.Offload(i);
                if (!destination.Enqueue(frame, offload))
                {
                    destination.Flush();
                    destination.Enqueue(frame, offload);
                }
            }

            destination.Flush();
        }
        catch (VectorTransportException e)
        {
            Fail(to, e);
        }
    }

    // A filter that throws is gone (a provider in another process that died answers every call so):
    // it is released and loaded again, with back-off, from whichever provider is offered then.
    private bool TryFilter(IPacketFilter filter, ReadOnlySpan<byte> frame, out uint keep)
    {
        try
        {
            keep = filter.Filter(frame);
            return true;
        }
#pragma warning disable CA1031 // Whatever the filter throws, the bridge goes on without it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            keep = 0;
            _filter = null;
            _filterDescription = null;
            var wait = _a.BackOff.Next();
            _a.NextAttempt = _time.GetUtcNow() + wait;
            _logger.LogError(
                "Bridge {Bridge}: the packet filter {Path} failed ({Type}: {Error}); frames are dropped until it is loaded again, in {Wait}.",
                Name, _definition.PacketFilter, e.GetType().Name, e.Message, wait);
            _state = BridgeState.WaitingForPacketFilter;
            Release(filter);
            return false;
        }
    }

    private void Release(IPacketFilter filter)
    {
        try
        {
            filter.Dispose();
        }
#pragma warning disable CA1031 // A filter that failed may fail to release too; it is dropped either way.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogDebug("Bridge {Bridge}: releasing the failed packet filter failed too: {Error}", Name, e.Message);
        }
    }

    private bool EnsureFilter(CancellationToken cancellationToken)
    {
        if (_definition.PacketFilter is null || _filter is not null)
        {
            return true;
        }

        if (_time.GetUtcNow() < _a.NextAttempt)
        {
            return false;
        }

        var provider = _filterProvider?.Invoke();
        if (provider is null)
        {
            var wait = _a.BackOff.Next();
            _a.NextAttempt = _time.GetUtcNow() + wait;
            _logger.LogWarning(
                "Bridge {Bridge}: a packet filter is configured ({Path}) but no running plugin offers IPacketFilterProvider (bpf-runtime does); not forwarding, retrying in {Wait}.",
                Name, _definition.PacketFilter, wait);

            // After the message: whoever sees the state can read why.
            _state = BridgeState.WaitingForPacketFilter;
            return false;
        }

        try
        {
            _filter = provider.Load(_definition.PacketFilter, _definition.PacketFilterSection);
            _filterDescription = $"{provider.Kind}:{_definition.PacketFilter}";
            _filterLoadedOnce = true;
            _a.BackOff.Reset();
            _a.NextAttempt = default;
            _logger.LogInformation("Bridge {Bridge}: packet filter {Filter} loaded.", Name, _filterDescription);
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or UnauthorizedAccessException or NotSupportedException)
        {
            var wait = _a.BackOff.Next();
            _a.NextAttempt = _time.GetUtcNow() + wait;
            _logger.LogError("Bridge {Bridge}: the {Kind} packet filter {Path} did not load: {Error}; retrying in {Wait}.",
                Name, provider.Kind, _definition.PacketFilter, e.Message, wait);
            _state = BridgeState.WaitingForPacketFilter;
            return false;
        }
    }

    private bool EnsureOpen(Side side)
    {
        if (side.Transport is not null)
        {
            return true;
        }

        if (_time.GetUtcNow() < side.NextAttempt)
        {
            return false;
        }

        try
        {
            var transport = _open(side.Spec);
            if (_batchObserver is { } observer)
            {
                var name = side.Name;
                transport.Statistics.BatchObserver = (rx, n) => observer(name, rx, n);
            }

            lock (side)
            {
                side.Transport = transport;
                if (side.EverOpened)
                {
                    side.Reopens++;
                    _logger.LogInformation("Bridge {Bridge}: side {Side} reopened: {Transport}.", Name, side.Name, transport);
                }
                else
                {
                    _logger.LogInformation("Bridge {Bridge}: side {Side} open: {Transport}.", Name, side.Name, transport);
                }

                side.EverOpened = true;
                side.BackOff.Reset();
            }

            return true;
        }
        catch (VectorTransportException e)
        {
            if (FailOnFirstOpen && !side.EverOpened)
            {
                throw new TransportFailedException($"side {side.Name} ({side.Spec}) cannot be opened: {e.Message}", e);
            }

            var wait = side.BackOff.Next();
            side.NextAttempt = _time.GetUtcNow() + wait;
            side.LastError = e.Message;
            _logger.LogWarning("Bridge {Bridge}: side {Side} ({Spec}) cannot be opened: {Error}; retrying in {Wait}.", Name, side.Name, side.Spec, e.Message, wait);
            return false;
        }
    }

    private void Fail(Side side, VectorTransportException error)
    {
        var wait = side.BackOff.Next();
        side.NextAttempt = _time.GetUtcNow() + wait;
        side.LastError = error.Message;
        _logger.LogWarning("Bridge {Bridge}: side {Side} failed: {Error}; reopening in {Wait}.", Name, side.Name, error.Message, wait);
        Close(side);
    }

    private static void Close(Side side)
    {
        lock (side)
        {
            if (side.Transport is { } transport)
            {
                try
                {
                    transport.Flush(0);
                }
                catch (VectorTransportException)
                {
                    // Closing anyway; what could not be sent is counted already.
                }

                side.Retired = side.Retired.Add(transport.Statistics.Snapshot());
                side.Transport = null;
                transport.Dispose();
            }
        }
    }

    private void WaitForNextAttempt(CancellationToken cancellationToken)
    {
        var next = new[] { _a, _b }.Where(s => s.Transport is null || _definition.PacketFilter is not null).Select(s => s.NextAttempt).DefaultIfEmpty().Min();
        var wait = next - _time.GetUtcNow();
        if (wait > TimeSpan.FromMilliseconds(PollMilliseconds))
        {
            wait = TimeSpan.FromMilliseconds(PollMilliseconds);
        }

        if (wait > TimeSpan.Zero)
        {
            cancellationToken.WaitHandle.WaitOne(wait);
        }
    }

    private sealed class Side(string name, VectorSpec spec, BackOff backOff)
    {
        public string Name { get; } = name;

        public VectorSpec Spec { get; } = spec;

        public BackOff BackOff = backOff;

        public volatile VectorTransport? Transport;

        public TransportSnapshot Retired { get; set; } = TransportSnapshot.Empty;

        public DateTimeOffset NextAttempt { get; set; }

        public bool EverOpened { get; set; }

        public long Reopens { get; set; }

        public string? LastError { get; set; }

        public BridgeSideSnapshot Snapshot()
        {
            lock (this)
            {
                var counters = Transport is { } t ? Retired.Add(t.Statistics.Snapshot()) : Retired;
                return new BridgeSideSnapshot(Name, Spec.ToString(), Transport is not null, counters, Reopens, LastError);
            }
        }
    }
}
