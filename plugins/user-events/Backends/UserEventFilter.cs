namespace Framework.Plugins.UserEvents.Backends;

/// <summary>The listener's name filter: an exact tracepoint name, an EventHeader provider (its
/// tracepoints are <c>Provider_L&lt;level&gt;K&lt;keyword&gt;...</c>), the formats of a multi-format
/// name (<c>name.&lt;hex id&gt;</c>), or everything when null.</summary>
internal static class UserEventFilter
{
    public static bool Matches(string? filter, string tracepoint)
    {
        if (filter is null || tracepoint == filter)
        {
            return true;
        }

        if (tracepoint.StartsWith(filter + "_L", StringComparison.Ordinal))
        {
            return true;
        }

        return tracepoint.Length > filter.Length + 1
            && tracepoint.StartsWith(filter + ".", StringComparison.Ordinal)
            && tracepoint[(filter.Length + 1)..].All(char.IsAsciiHexDigitLower);
    }
}
