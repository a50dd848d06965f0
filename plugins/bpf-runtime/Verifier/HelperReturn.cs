using Framework.Plugins.BpfRuntime.Helpers;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// The return half of a helper's prototype (the kernel's <c>ret_type</c>); the argument half is
/// <see cref="BpfHelperPrototype.Arguments"/>. Helpers not named here return a scalar.
/// </summary>
internal enum HelperReturn
{
    /// <summary>An integer.</summary>
    Scalar,

    /// <summary>A pointer to a value of the map in r1, or null (<c>RET_PTR_TO_MAP_VALUE_OR_NULL</c>).</summary>
    MapValueOrNull,

    /// <summary>A ring buffer record of r2 bytes, or null (<c>RET_PTR_TO_RINGBUF_MEM_OR_NULL</c>).</summary>
    RingBufferRecordOrNull,
}

/// <summary>The return types of the standard helpers.</summary>
internal static class HelperReturns
{
    public static HelperReturn Of(BpfHelperPrototype prototype) => prototype.Id switch
    {
        StandardHelpers.MapLookupElem => HelperReturn.MapValueOrNull,
        StandardHelpers.RingbufReserve => HelperReturn.RingBufferRecordOrNull,
        _ => HelperReturn.Scalar,
    };
}
