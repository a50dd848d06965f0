namespace Framework.Plugins.UserEvents.Groups;

/// <summary>Receives the records of the events it is attached to, as a tracepoint probe does:
/// synchronously, on the writer's thread, with a record that is valid only during the call.</summary>
public interface IUserEventConsumer
{
    /// <summary>Called for every accepted write.</summary>
    /// <param name="userEvent">The event written.</param>
    /// <param name="record">The 8-byte common header followed by the payload; copy what you keep.</param>
    void OnRecord(UserEvent userEvent, ReadOnlySpan<byte> record);
}
