using Framework.Abstractions;
using Framework.Host.Discovery;
using Framework.Host.Isolation;
using Framework.Host.Loading;
using Framework.Host.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Framework.Host.Lifecycle;

/// <summary>One discovered plugin folder and everything the host holds for it while it lives.</summary>
public sealed class PluginRuntime
{
    private readonly Lock _gate = new();

    internal PluginRuntime(PluginVerdict verdict, IsolationChoice? isolation = null)
    {
        Isolation = isolation;
        Verdict = verdict;
        State = verdict.Outcome switch
        {
            PluginVerdictOutcome.Refused => PluginState.Refused,
            PluginVerdictOutcome.Skipped => PluginState.Skipped,
            _ => PluginState.Discovered,
        };
        StateReason = verdict.Reason;
    }

    /// <summary>What selection decided.</summary>
    public PluginVerdict Verdict { get; }

    /// <summary>The manifest, or null when it could not be read.</summary>
    public PluginManifest? Manifest => Verdict.Candidate.Manifest;

    /// <summary>The plugin id (the folder name when the manifest is unreadable).</summary>
    public string Id => Verdict.Candidate.DisplayId;

    /// <summary>The plugin version, or "?".</summary>
    public string Version => Manifest?.Version.ToNormalizedString() ?? "?";

    /// <summary>The plugin folder.</summary>
    public string Folder => Verdict.Candidate.Folder;

    /// <summary>How the plugin runs and who decided it; null when it was not selected.</summary>
    public IsolationChoice? Isolation { get; }

    /// <summary>The current state.</summary>
    public PluginState State { get; private set; }

    /// <summary>Why the plugin is in its state (refusal, fault, health), or null.</summary>
    public string? StateReason { get; private set; }

    /// <summary>The time from starting to load the assembly to the end of Configure.</summary>
    public TimeSpan? LoadTime { get; internal set; }

    /// <summary>Whether the plugin's load context was still alive after unloading.</summary>
    public bool UnloadLeaked { get; internal set; }

    /// <summary>The worst health the plugin reported while it ran (its checks, or a move to
    /// <see cref="PluginState.Degraded"/>), with why; null while it was never less than healthy. A
    /// stopped plugin's health says this, so that a run's final table does not call it healthy.</summary>
    public (Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus Status, string Description)? WorstRunningHealth { get; private set; }

    /// <summary>Whether capabilities and commands of this plugin may be used.</summary>
    public bool IsUsable => State is PluginState.Configured or PluginState.Starting or PluginState.Running or PluginState.Degraded;

    internal PluginInfo? Info { get; set; }

    internal LoadedPluginAssembly? Assembly { get; set; }

    internal WeakReference? ContextReference { get; set; }

    internal PluginBuilder? Builder { get; set; }

    internal PluginTelemetry? Telemetry { get; set; }

    /// <summary>For a plugin that runs in a plugin-host child: the host's stand-in for it.</summary>
    internal Isolation.Parent.ProcessPlugin? OutOfProcess { get; set; }

    internal ServiceProvider? Services { get; set; }

    internal List<IHostedService> StartedServices { get; } = [];

    /// <summary>The private assemblies loaded in the plugin's context.</summary>
    public IReadOnlyList<string> LoadedAssemblies =>
        Assembly?.Assemblies ?? [];

    /// <summary>Moves to a new state; returns the previous one.</summary>
    internal PluginState Transition(PluginState state, string? reason)
    {
        lock (_gate)
        {
            var previous = State;
            State = state;
            StateReason = reason;
            if (state == PluginState.Degraded)
            {
                NoteRunningHealth(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, reason ?? "degraded");
            }

            return previous;
        }
    }

    /// <summary>Remembers a health result taken while the plugin ran, if it is the worst so far.</summary>
    internal void NoteRunningHealth(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus status, string description)
    {
        lock (_gate)
        {
            if (status != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy && (WorstRunningHealth is not { } worst || status < worst.Status))
            {
                WorstRunningHealth = (status, description);
            }
        }
    }
}
