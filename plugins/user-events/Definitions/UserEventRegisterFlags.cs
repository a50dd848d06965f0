namespace Framework.Plugins.UserEvents.Definitions;

/// <summary>user_reg.flags (enum user_reg_flag).</summary>
[Flags]
public enum UserEventRegisterFlags : ushort
{
    /// <summary>The event goes away with its last reference.</summary>
    None = 0,

    /// <summary>USER_EVENT_REG_PERSIST: the event stays after its last reference, until deleted. Needs CAP_PERFMON.</summary>
    Persist = 1 << 0,

    /// <summary>USER_EVENT_REG_MULTI_FORMAT: a name may have several formats; each gets its own
    /// tracepoint <c>name.&lt;hex id&gt;</c> in the <c>&lt;system&gt;_multi</c> system.</summary>
    MultiFormat = 1 << 1,
}
