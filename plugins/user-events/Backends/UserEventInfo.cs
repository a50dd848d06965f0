using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Backends;

/// <summary>A registered event as a backend lists it.</summary>
/// <param name="System">The tracing system.</param>
/// <param name="TracepointName">The tracepoint's name.</param>
/// <param name="Definition">Its fields.</param>
/// <param name="UsedBy">Who is attached, as user_events_status words it ("ftrace perf"), or empty.</param>
public sealed record UserEventInfo(string System, string TracepointName, UserEventDefinition Definition, string UsedBy);
