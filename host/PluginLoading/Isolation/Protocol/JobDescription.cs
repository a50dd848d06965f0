using System.Text.Json;

namespace Framework.Host.Isolation.Protocol;

/// <summary>A plugin's jobs as plain data (name and description; the work stays in the child).</summary>
/// <param name="Name">The job's name.</param>
/// <param name="Description">What it does.</param>
public sealed record JobDescription(string Name, string Description)
{
    /// <summary>The jobs as a JSON array.</summary>
    public static string Write(IEnumerable<JobDescription> jobs) =>
        JsonSerializer.Serialize(jobs.Select(j => new Dictionary<string, string> { ["name"] = j.Name, ["description"] = j.Description }));

    /// <summary>Reads jobs written by <see cref="Write"/>.</summary>
    /// <exception cref="ProtocolException">Not an array of objects with a non-empty 'name'.</exception>
    public static IReadOnlyList<JobDescription> Read(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ProtocolException("the job description is not a JSON array.");
            }

            return document.RootElement.EnumerateArray().Select(job =>
                job.ValueKind == JsonValueKind.Object && job.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } text
                    ? new JobDescription(text, job.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : string.Empty)
                    : throw new ProtocolException("a job in the job description lacks 'name' (non-empty string).")).ToList();
        }
        catch (JsonException e)
        {
            throw new ProtocolException($"the job description is malformed: {e.Message}", e);
        }
    }
}
