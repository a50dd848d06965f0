using System.Text.Json;

namespace Framework.KernelLab.Tests;

/// <summary>Runs one probe of the guest driver (Framework.KernelLab.Guest) in the lab and reads its findings.</summary>
internal static class GuestDriver
{
    public static string Dll { get; } = LabPaths.ProjectOutput("Framework.KernelLab.Guest", "Framework.KernelLab.Guest.dll");

    public static async Task<(LabResult Result, JsonElement Findings)> RunProbeAsync(string probe, string? before = null)
    {
        var result = await KernelLab.RunAsync(new LabRun
        {
            Script = $"""
                {before}
                dotnet "{Dll}" {probe} {probe}.json
                """,
            Timeout = TimeSpan.FromMinutes(3),
        });
        result.EnsureSuccess();
        using var document = JsonDocument.Parse(result.ReadResult($"{probe}.json"));
        return (result, document.RootElement.Clone());
    }
}
