namespace Framework.Abstractions;

/// <summary>
/// The entry point of a plugin. Each plugin assembly has exactly one public, non-abstract
/// implementation with a public parameterless constructor; the host finds it after the
/// manifest (<c>plugin.json</c>) has been checked.
/// </summary>
/// <remarks>
/// <see cref="Configure"/> is called once, on the host's start-up thread, under the host's
/// configure timeout. It should only register things on the builder: work belongs in hosted
/// services, jobs and commands. If it throws or overruns its timeout, the plugin is marked
/// faulted and the host goes on without it.
/// </remarks>
public interface IPlugin
{
    /// <summary>Registers the plugin's services, options, hosted services, jobs, commands,
    /// health checks and capabilities.</summary>
    /// <param name="builder">The builder for this plugin; valid only during the call.</param>
    void Configure(IPluginBuilder builder);
}
