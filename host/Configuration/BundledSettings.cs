using Microsoft.Extensions.Configuration;

namespace Framework.Host.Configuration;

/// <summary>
/// The lowest layers of the configuration: <c>appsettings.json</c> beside the executable and
/// <c>appsettings.{FRAMEWORK_ENVIRONMENT}.json</c>. Nothing on the command line changes them, so a
/// command reads them ahead, while its global options are parsed.
/// </summary>
public static class BundledSettings
{
    /// <summary>The environment name: FRAMEWORK_ENVIRONMENT, else DOTNET_ENVIRONMENT, else Production.</summary>
    public static string Environment =>
        System.Environment.GetEnvironmentVariable("FRAMEWORK_ENVIRONMENT") ?? System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";

    /// <summary>Reads both files now. A malformed file throws <see cref="InvalidDataException"/>.</summary>
    public static IConfigurationRoot Read() =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{Environment}.json", optional: true, reloadOnChange: false)
            .Build();
}
