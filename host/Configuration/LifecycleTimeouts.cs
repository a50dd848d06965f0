namespace Framework.Host.Configuration;

/// <summary>How long a plugin may take in each lifecycle step before it is marked faulted.</summary>
public sealed class LifecycleTimeouts
{
    /// <summary>Loading the assembly and running <c>IPlugin.Configure</c>.</summary>
    public TimeSpan Configure { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Starting the plugin's hosted services.</summary>
    public TimeSpan Start { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Stopping the plugin's hosted services.</summary>
    public TimeSpan Stop { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>One run of one of the plugin's health checks.</summary>
    public TimeSpan HealthCheck { get; set; } = TimeSpan.FromSeconds(5);
}
