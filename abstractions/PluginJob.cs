namespace Framework.Abstractions;

/// <summary>
/// A one-shot piece of work that the host runs after the plugin has started: a conversion of a
/// bundled sample, a test run, a report. The host runs it in a span named after the job, logs its
/// outcome, and counts a job that throws as failed without faulting the plugin.
/// </summary>
public sealed class PluginJob
{
    /// <summary>Creates a job.</summary>
    /// <param name="name">A short name unique within the plugin.</param>
    /// <param name="description">What the job does, for logs and <c>plugins inspect</c>.</param>
    /// <param name="run">The work. It receives the plugin's service provider and a token that is
    /// cancelled when the host stops.</param>
    public PluginJob(string name, string description, Func<IServiceProvider, CancellationToken, Task> run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(run);
        Name = name;
        Description = description ?? string.Empty;
        Run = run;
    }

    /// <summary>The job's name.</summary>
    public string Name { get; }

    /// <summary>What the job does.</summary>
    public string Description { get; }

    /// <summary>The work to run.</summary>
    public Func<IServiceProvider, CancellationToken, Task> Run { get; }
}
