using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Host.Isolation.Protocol;

/// <summary>The result of each of a plugin's health checks as plain data (name, status,
/// description), in a health reply's output: the host folds them into one status, Framework.Testing
/// shows each as in process.</summary>
public static class HealthDescription
{
    /// <summary>The results as a JSON object keyed by check name.</summary>
    public static string Write(IEnumerable<KeyValuePair<string, HealthCheckResult>> results) =>
        JsonSerializer.Serialize(results.ToDictionary(
            r => r.Key,
            r => new Dictionary<string, string?> { ["status"] = r.Value.Status.ToString(), ["description"] = r.Value.Description },
            StringComparer.Ordinal));

    /// <summary>Reads results written by <see cref="Write"/>.</summary>
    /// <exception cref="ProtocolException">Not an object of objects with a known 'status'.</exception>
    public static IReadOnlyDictionary<string, HealthCheckResult> Read(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ProtocolException("the health description is not a JSON object.");
            }

            var results = new Dictionary<string, HealthCheckResult>(StringComparer.Ordinal);
            foreach (var check in document.RootElement.EnumerateObject())
            {
                if (check.Value.ValueKind != JsonValueKind.Object
                    || !check.Value.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String
                    || !Enum.TryParse<HealthStatus>(status.GetString(), ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed))
                {
                    throw new ProtocolException($"health check '{check.Name}' in the health description lacks a 'status' of Healthy, Degraded or Unhealthy.");
                }

                var description = check.Value.TryGetProperty("description", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
                results[check.Name] = new HealthCheckResult(parsed, description);
            }

            return results;
        }
        catch (JsonException e)
        {
            throw new ProtocolException($"the health description is malformed: {e.Message}", e);
        }
    }
}
