using OpenTelemetry;

namespace Framework.Host.Tests.Infrastructure;

/// <summary>Keeps what it exports (OpenTelemetry.Exporter.InMemory is not in the NuGet copy served here).</summary>
internal sealed class RecordingExporter<T>(Action<T> record) : BaseExporter<T>
    where T : class
{
    public override ExportResult Export(in Batch<T> batch)
    {
        foreach (var item in batch)
        {
            record(item);
        }

        return ExportResult.Success;
    }
}
