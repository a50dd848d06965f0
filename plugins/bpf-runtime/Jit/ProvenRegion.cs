namespace Framework.Plugins.BpfRuntime.Jit;

/// <summary>
/// The fixed region a proven access lies in when every path to it agrees (<see cref="IBpfAccessProof.RegionOf"/>):
/// compiled code then reaches it from the region's first byte, taken once per run, instead of
/// looking the region up on every access. Map values and ring buffer records are mapped during the
/// run, so their accesses stay <see cref="Unknown"/>.
/// </summary>
public enum ProvenRegion : byte
{
    /// <summary>Not known, or different on different paths: the region is looked up by address.</summary>
    Unknown = 0,

    /// <summary>The program stack (every frame).</summary>
    Stack = 1,

    /// <summary>The context (<c>struct xdp_md</c>, <c>struct __sk_buff</c>).</summary>
    Context = 2,

    /// <summary>The packet.</summary>
    Packet = 3,
}
