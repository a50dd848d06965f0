namespace Framework.Host.Isolation.Protocol;

/// <summary>What a frame carries. The byte values are the wire format: never renumber.</summary>
public enum FrameKind : byte
{
    /// <summary>Child to host, first frame: the protocol version it speaks, the plugin, its capability sets.</summary>
    Hello = 1,

    /// <summary>Host to child: the versions match; the payload is the plugin's configuration (<see cref="WelcomeMessage"/>); requests follow.</summary>
    Welcome = 2,

    /// <summary>Either side: the peer is refused (another version, a broken frame); the connection closes.</summary>
    Refusal = 3,

    /// <summary>Host to child: one operation (health, describe, jobs, command, job, start, stop, cancel) with its arguments.</summary>
    Request = 4,

    /// <summary>Child to host: the result of the request with the same id.</summary>
    Reply = 5,

    /// <summary>Child to host, id 0: a batch of the plugin's spans, measurements and log records
    /// (<see cref="TelemetryRecord"/>), always sent before the reply of the request they belong to.</summary>
    Telemetry = 6,

    /// <summary>Either side: run the packet filter the peer handed out as a handle on one frame. Binary,
    /// not JSON, as it is sent for every frame a bridge forwards: the handle (little-endian u32), then
    /// the frame's bytes as they are (<see cref="FilterRunMessage"/>). Answered by a
    /// <see cref="FilterVerdict"/>, or by a <see cref="Reply"/> saying why the filter did not run.</summary>
    FilterRun = 7,

    /// <summary>The answer to the <see cref="FilterRun"/> with the same id: the bytes to keep, a
    /// little-endian u32 (0: drop), and nothing else.</summary>
    FilterVerdict = 8,
}
