using Framework.Host.Health;

namespace Framework.Host.Lifecycle;

/// <summary>How <c>framework run</c> behaves: when to stop, how often to check health, where health goes.</summary>
internal sealed record RunSettings(bool UntilJobsDone, bool StopAfterStart, TimeSpan HealthInterval, Action<PluginHealthReport, string> ReportHealth);
