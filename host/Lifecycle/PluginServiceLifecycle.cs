using Framework.Host.Capabilities;
using Framework.Host.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Framework.Host.Lifecycle;

/// <summary>
/// Starts and stops a configured plugin: validates its options, starts its hosted services in order
/// under <c>Host:Timeouts:Start</c>, stops them in reverse order and disposes its container under
/// <c>Host:Timeouts:Stop</c>. Every call into the plugin runs guarded: a throw or an overrun faults
/// the plugin with the reason, and the host goes on.
/// </summary>
internal sealed class PluginServiceLifecycle(LifecycleTimeouts timeouts, CapabilityRegistry capabilities, PluginStateRecorder states)
{
    public async Task StartAsync(PluginRuntime runtime, CancellationToken cancellationToken)
    {
        if (runtime.State != PluginState.Configured || runtime.Services is not { } services)
        {
            return;
        }

        using var activity = states.StartActivity("plugin.start", runtime);
        states.Set(runtime, PluginState.Starting, null);
        try
        {
            PluginServices.ValidateOptions(runtime.Builder!, services);
        }
        catch (OptionsValidationException e)
        {
            states.Fault(runtime, activity, $"invalid configuration in Plugins:{runtime.Id}: {string.Join("; ", e.Failures)}", e);
            return;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            states.Fault(runtime, activity, $"invalid configuration in Plugins:{runtime.Id}: {PluginFailure.Describe(e)}", e);
            return;
        }

        IHostedService[] hosted;
        try
        {
            hosted = services.GetServices<IHostedService>().ToArray();
        }
        catch (Exception e)
        {
            states.Fault(runtime, activity, $"could not create its hosted services: {PluginFailure.Describe(e)}", e);
            return;
        }

        foreach (var service in hosted)
        {
            var problem = await RunGuardedAsync(token => service.StartAsync(token), timeouts.Start, "start", "Host:Timeouts:Start", service, cancellationToken);
            if (problem is not null)
            {
                states.Fault(runtime, activity, problem.Message, problem.Exception);
                await StopServicesAsync(runtime, CancellationToken.None);
                return;
            }

            runtime.StartedServices.Add(service);
        }

        states.Set(runtime, PluginState.Running, null);
    }

    /// <summary>Binds a configured plugin's options ahead of its start, on any thread, so that the
    /// start only reads them. A binding or validation failure is left for the start, which meets
    /// it again (the options are not cached until they bind) and faults the plugin with it.</summary>
    public void BindOptionsAhead(PluginRuntime runtime)
    {
        if (runtime.State != PluginState.Configured || runtime.Services is not { } services || runtime.Builder is not { } builder)
        {
            return;
        }

        try
        {
            PluginServices.ValidateOptions(builder, services);
        }
#pragma warning disable CA1031 // Reported by the start, which repeats the binding; see the summary.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public async Task StopAsync(PluginRuntime runtime, CancellationToken cancellationToken)
    {
        if (runtime.State is not (PluginState.Running or PluginState.Degraded or PluginState.Starting or PluginState.Configured or PluginState.Faulted)
            || (runtime.State == PluginState.Faulted && runtime.Services is null))
        {
            return;
        }

        var wasFaulted = runtime.State == PluginState.Faulted;
        using var activity = states.StartActivity("plugin.stop", runtime);
        if (!wasFaulted)
        {
            states.Set(runtime, PluginState.Stopping, null);
        }

        var problem = await StopServicesAsync(runtime, cancellationToken);
        capabilities.Withdraw(runtime);
        if (runtime.Services is { } services)
        {
            runtime.Services = null;
            var disposal = await RunGuardedAsync(_ => services.DisposeAsync().AsTask(), timeouts.Stop, "dispose its services", "Host:Timeouts:Stop", services, cancellationToken);
            problem ??= disposal;
        }

        if (problem is not null)
        {
            states.Fault(runtime, activity, problem.Message, problem.Exception);
        }
        else if (!wasFaulted)
        {
            states.Set(runtime, PluginState.Stopped, null);
        }
    }

    private async Task<Problem?> StopServicesAsync(PluginRuntime runtime, CancellationToken cancellationToken)
    {
        Problem? first = null;
        for (var i = runtime.StartedServices.Count - 1; i >= 0; i--)
        {
            var service = runtime.StartedServices[i];
            var problem = await RunGuardedAsync(token => service.StopAsync(token), timeouts.Stop, "stop", "Host:Timeouts:Stop", service, cancellationToken);
            first ??= problem;
        }

        runtime.StartedServices.Clear();
        return first;
    }

    /// <summary>Runs plugin code under a timeout; returns null on success, or what went wrong.</summary>
    private static async Task<Problem?> RunGuardedAsync(
        Func<CancellationToken, Task> work, TimeSpan timeout, string verb, string setting, object target, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task task;
        try
        {
            task = Task.Run(() => work(cts.Token), CancellationToken.None);
        }
        catch (Exception e)
        {
            return new Problem($"{target.GetType().Name} failed to {verb}: {PluginFailure.Describe(e)}", e);
        }

        try
        {
            await task.WaitAsync(timeout, CancellationToken.None);
            return null;
        }
        catch (TimeoutException)
        {
            await cts.CancelAsync();
            return new Problem($"{target.GetType().Name} did not {verb} within {timeout.TotalSeconds:0.###} s ({setting}).", null);
        }
        catch (Exception e)
        {
            return new Problem($"{target.GetType().Name} failed to {verb}: {PluginFailure.Describe(e)}", e);
        }
    }

    /// <summary>What went wrong with a plugin's service. A class, not a value tuple: a task of a
    /// nullable tuple is generic code compiled at run time in every process that stops a plugin.</summary>
    private sealed record Problem(string Message, Exception? Exception);
}
