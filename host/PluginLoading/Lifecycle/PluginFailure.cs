namespace Framework.Host.Lifecycle;

/// <summary>How a plugin's exception is told in a state reason or a refusal: the type and message of
/// the exception the plugin threw, not of the reflection wrapper around it.</summary>
internal static class PluginFailure
{
    public static string Describe(Exception e) => e switch
    {
        System.Reflection.TargetInvocationException or TypeInitializationException when e.InnerException is not null => Describe(e.InnerException),
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
