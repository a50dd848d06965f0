using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Groups;
using Framework.Plugins.UserEvents.Kernel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.UserEvents.Tests;

public sealed class UserEventsFeatureCheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tracefs-").FullName;
    private readonly UserEventGroupRegistry _registry = new(isPerfmonCapable: true);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Without_tracefs_auto_selects_in_process_and_says_where_it_looked()
    {
        var result = await Check("auto", Path.Combine(_root, "nope"));
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("in-process backend", result.Description, StringComparison.Ordinal);
        Assert.Contains("tracefs is not mounted", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tracefs_without_user_events_data_says_CONFIG_USER_EVENTS_is_off()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "available_events"), string.Empty);
        var result = await Check("auto", _root);
        Assert.Contains("CONFIG_USER_EVENTS is off", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tracefs_with_user_events_data_selects_the_kernel()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "available_events"), string.Empty);
        await File.WriteAllTextAsync(Path.Combine(_root, "user_events_data"), string.Empty);
        var result = await Check("auto", _root);
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("kernel backend", result.Description, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_root, "user_events_data"), result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_the_kernel_where_it_has_none_is_unhealthy_and_says_why()
    {
        var result = await Check("kernel", Path.Combine(_root, "nope"));
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("the kernel backend was asked for", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kernel_backend_refuses_groups_other_than_the_root_with_EOPNOTSUPP_naming_the_group_and_why_at_every_entry()
    {
        var backend = new KernelBackend(_root);
        Action[] entries =
        [
            () => backend.Open("tenant").Dispose(),
            () => backend.ReadStatus("tenant"),
            () => backend.ListEvents("tenant"),
            () => backend.Listen(null, "tenant", _ => { }).Dispose(),
        ];
        foreach (var entry in entries)
        {
            var error = Assert.Throws<UserEventsException>(entry);
            Assert.Equal(UserEventsErrno.EOPNOTSUPP, error.Errno);
            Assert.StartsWith("group 'tenant': ", error.Message, StringComparison.Ordinal);
            Assert.Contains("current_user_event_group() always returns the init group", error.Message, StringComparison.Ordinal);
            Assert.Contains("in-process backend", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_kernel_backend_takes_the_root_group_by_its_system_name_as_well_as_by_default()
    {
        File.WriteAllText(Path.Combine(_root, "user_events_status"), "Active: 0\nBusy: 0\n");
        var backend = new KernelBackend(_root);
        Assert.Equal(backend.ReadStatus(), backend.ReadStatus("user_events"));
    }

    private Task<HealthCheckResult> Check(string preference, string tracefs) =>
        new UserEventsFeatureCheck(() => UserEventsBackendSelector.Select(preference, new TracefsLocator([tracefs]), _registry))
            .CheckHealthAsync(new HealthCheckContext());
}
