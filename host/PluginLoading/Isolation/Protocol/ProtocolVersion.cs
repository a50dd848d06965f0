namespace Framework.Host.Isolation.Protocol;

/// <summary>The version of the host–child protocol. Both sides must speak the same one: the host and
/// its plugin-host child are one executable, so a mismatch means a stale or foreign child.</summary>
public static class ProtocolVersion
{
    /// <summary>The version this build speaks.</summary>
    // 2: Welcome carries configuration, Telemetry frames, jobs and cancel.
    // 3: command replies carry tables as data, health replies each check, the checks operation,
    //    capabilities both ways (the child's own requests to the host).
    // 4: packet filter calls as binary FilterRun and FilterVerdict frames (no longer a JSON
    //    capability call with the frame in base64).
    public const int Current = 4;
}
