namespace Framework.Host.Discovery;

/// <summary>The words for <see cref="PluginIsolation"/> in plugin.json (<c>isolation</c>) and in
/// configuration (<c>Host:Isolation:&lt;id&gt;</c>): exactly <c>process</c> or <c>in-process</c>.</summary>
public static class PluginIsolationNames
{
    /// <summary>The word for <see cref="PluginIsolation.Process"/>.</summary>
    public const string Process = "process";

    /// <summary>The word for <see cref="PluginIsolation.InProcess"/>.</summary>
    public const string InProcess = "in-process";

    /// <summary>Parses one of the two words (exact, lower case).</summary>
    public static bool TryParse(string? text, out PluginIsolation isolation)
    {
        switch (text)
        {
            case Process:
                isolation = PluginIsolation.Process;
                return true;
            case InProcess:
                isolation = PluginIsolation.InProcess;
                return true;
            default:
                isolation = PluginIsolation.InProcess;
                return false;
        }
    }

    /// <summary>The word for <paramref name="isolation"/>.</summary>
    public static string ToName(this PluginIsolation isolation) =>
        isolation == PluginIsolation.Process ? Process : InProcess;
}
