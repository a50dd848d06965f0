using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Backends;

/// <summary>What a registration returned.</summary>
/// <param name="WriteIndex">The index that prefixes this event's writes on the file.</param>
/// <param name="System">The tracing system, e.g. <c>user_events</c> or <c>user_events_multi</c>.</param>
/// <param name="TracepointName">The tracepoint's name (<c>name.&lt;id&gt;</c> for multi-format).</param>
/// <param name="Definition">The parsed definition.</param>
public sealed record UserEventRegistration(int WriteIndex, string System, string TracepointName, UserEventDefinition Definition);
