using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Backends;

/// <summary>
/// An open <c>user_events_data</c>: the kernel's file or the in-process backend's. Register with an
/// enable address and bit that the backend keeps in step with the event's state, write payloads
/// prefixed by the write index, unregister, delete. Errors are <see cref="UserEventsException"/>
/// with the kernel's errno. Writes are thread-safe; so are the other calls.
/// </summary>
public interface IUserEventsDataFile : IDisposable
{
    /// <summary>The tracing system of the file's group (<c>user_events</c> for the root group).</summary>
    string SystemName { get; }

    /// <summary>DIAG_IOCSREG: registers (or finds) the event and returns its write index.</summary>
    /// <param name="command">The definition, <c>name type field;...</c>.</param>
    /// <param name="flags">Persist and multi-format.</param>
    /// <param name="enableAddress">A naturally aligned 4- or 8-byte word in native memory that stays valid until unregistered.</param>
    /// <param name="enableBit">The bit to keep in step.</param>
    /// <param name="enableSize">4 or 8.</param>
    UserEventRegistration Register(string command, UserEventRegisterFlags flags, nint enableAddress, int enableBit, int enableSize);

    /// <summary>DIAG_IOCSUNREG: stops updates of the address and bit and clears the bit.</summary>
    void Unregister(nint enableAddress, int enableBit);

    /// <summary>DIAG_IOCSDEL: deletes every event of the name that nothing references.</summary>
    void Delete(string name);

    /// <summary>write(): the 32-bit write index followed by the payload. Returns the bytes taken.</summary>
    int Write(ReadOnlySpan<byte> data);
}
