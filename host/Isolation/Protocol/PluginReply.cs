using System.Text.Json;

namespace Framework.Host.Isolation.Protocol;

/// <summary>The child's answer to one request, in plain data.</summary>
/// <param name="ExitCode">For a command, its exit code; for other operations 0 on success, 1 on failure.</param>
/// <param name="Output">What the command wrote to its console's standard output.</param>
/// <param name="Error">What the command wrote to its console's error output, or why the operation failed.</param>
/// <param name="Status">For health: Healthy, Degraded or Unhealthy.</param>
public sealed record PluginReply(int ExitCode, string Output = "", string Error = "", string? Status = null)
{
    /// <summary>The frame payload.</summary>
    public byte[] ToPayload() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
    {
        ["exitCode"] = ExitCode,
        ["output"] = Output,
        ["error"] = Error,
        ["status"] = Status,
    });

    /// <summary>Parses a reply payload.</summary>
    /// <exception cref="ProtocolException">Not JSON, or 'exitCode' missing.</exception>
    public static PluginReply Parse(ReadOnlyMemory<byte> payload)
    {
        using (var document = PayloadJson.Parse(payload, "reply"))
        {
            var root = document.RootElement;
            if (!PayloadJson.TryGetInt32(root, "exitCode", out var exitCode))
            {
                throw new ProtocolException("the reply payload lacks 'exitCode' (number).");
            }

            return new PluginReply(exitCode, Text(root, "output") ?? string.Empty, Text(root, "error") ?? string.Empty, Text(root, "status"));
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
