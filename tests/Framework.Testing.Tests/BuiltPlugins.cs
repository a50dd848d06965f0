namespace Framework.Testing.Tests;

/// <summary>The test plugins the build copies beside the tests (testplugins/&lt;id&gt;/).</summary>
internal static class BuiltPlugins
{
    /// <summary>The built folder of test plugin <paramref name="id"/>.</summary>
    public static string Folder(string id) => Path.Combine(AppContext.BaseDirectory, "testplugins", id);
}
