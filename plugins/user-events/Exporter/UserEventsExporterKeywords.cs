namespace Framework.Plugins.UserEvents.Exporter;

/// <summary>The exporter's EventHeader keywords.</summary>
public static class UserEventsExporterKeywords
{
    /// <summary>Log records.</summary>
    public const ulong Logs = 0x1;

    /// <summary>Finished spans.</summary>
    public const ulong Spans = 0x2;
}
