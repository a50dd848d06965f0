namespace Framework.Plugins.UserEvents.Definitions;

/// <summary>Why a definition or payload was refused: the errno the kernel returns for it and a
/// message naming the field and the rule.</summary>
/// <param name="Errno">The errno-equivalent.</param>
/// <param name="Message">What was wrong and where.</param>
public readonly record struct UserEventError(UserEventsErrno Errno, string Message)
{
    /// <summary>The error as an exception, for callers that throw.</summary>
    public UserEventsException ToException() => new(Errno, Message);
}
