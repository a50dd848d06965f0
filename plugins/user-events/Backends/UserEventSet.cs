using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.Native;
using Framework.Plugins.UserEvents.Telemetry;

namespace Framework.Plugins.UserEvents.Backends;

/// <summary>
/// The events one component registers on one data file of a backend's group: each with an enable
/// word of its own in native memory. Disposing unregisters them (DIAG_IOCSUNREG), closes the file; non-persistent events then go away with their last reference.
/// </summary>
public sealed class UserEventSet : IDisposable
{
    private readonly List<UserEventTracepoint> _tracepoints = [];
    private readonly IUserEventsDataFile _file;
    private readonly UserEventsMetrics? _metrics;
    private readonly string _backend;
    private bool _disposed;

    /// <summary>Opens a data file on <paramref name="group"/> of <paramref name="backend"/>.</summary>
    public UserEventSet(IUserEventsBackend backend, string? group = null, UserEventsMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _file = backend.Open(group);
        _metrics = metrics;
        _backend = backend.Name;
    }

    /// <summary>The tracing system of the group.</summary>
    public string SystemName => _file.SystemName;

    /// <summary>The events registered so far.</summary>
    public IReadOnlyList<UserEventTracepoint> Tracepoints
    {
        get
        {
            lock (_tracepoints)
            {
                return [.. _tracepoints];
            }
        }
    }

    /// <summary>Registers an event (or finds it, when the same name and fields are registered).</summary>
    /// <exception cref="UserEventsException">The definition is invalid or conflicts (EINVAL, EADDRINUSE, EPERM, EMFILE).</exception>
    public UserEventTracepoint Register(string command, UserEventRegisterFlags flags = UserEventRegisterFlags.None)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var word = new EnableWord();
        try
        {
            var registration = _file.Register(command, flags, word.Address, 0, 4);
            var tracepoint = new UserEventTracepoint(_file, word, registration, _metrics, _backend);
            _metrics?.Registrations.Add(1, new KeyValuePair<string, object?>("user_events.backend", _backend));
            lock (_tracepoints)
            {
                _tracepoints.Add(tracepoint);
            }

            return tracepoint;
        }
        catch
        {
            GC.KeepAlive(word);
            throw;
        }
    }

    /// <summary>DIAG_IOCSDEL on this set's file.</summary>
    public void Delete(string name) => _file.Delete(name);

    /// <summary>Unregisters every event (their enable words are cleared) and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var tracepoint in Tracepoints)
        {
            try
            {
                _file.Unregister(tracepoint.EnableAddress, 0);
            }
            catch (UserEventsException)
            {
                // Already gone with its group; the bit is clear either way.
            }
        }

        _file.Dispose();
    }
}
