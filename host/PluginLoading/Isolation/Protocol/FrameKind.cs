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
}
