using System.Runtime.CompilerServices;
using Framework.Abstractions;

namespace Framework.TestPlugins.FutureContract;

public sealed class FuturePlugin : IPlugin
{
    public void Configure(object builder, CancellationToken cancellationToken)
    {
    }
}

internal static class Tripwire
{
    // Leaves a mark and throws if the host ever runs any of this plugin's code.
    [ModuleInitializer]
    internal static void Trip()
    {
        var dir = Environment.GetEnvironmentVariable("FRAMEWORK_TEST_MARKER_DIR");
        if (dir is not null)
        {
            File.WriteAllText(Path.Combine(dir, "future-contract.ran"), "module initializer ran");
        }

        throw new InvalidOperationException("future-contract's module initializer ran: the host loaded a refused plugin.");
    }
}
