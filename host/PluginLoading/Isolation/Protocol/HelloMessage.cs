using System.Text.Json;

namespace Framework.Host.Isolation.Protocol;

/// <summary>The child's first frame: its protocol version, the plugin it serves, its process id and
/// the capability sets it holds after confinement (as /proc/self/status shows them), so that the host
/// can check and report what the child really got.</summary>
/// <param name="Protocol">The protocol version the child speaks.</param>
/// <param name="PluginId">The plugin the child loaded.</param>
/// <param name="ProcessId">The child's pid.</param>
/// <param name="Capabilities">Set name (CapEff, CapPrm, CapInh, CapBnd, CapAmb, NoNewPrivs) to its value.</param>
public sealed record HelloMessage(int Protocol, string PluginId, int ProcessId, IReadOnlyDictionary<string, string> Capabilities)
{
    /// <summary>The frame payload.</summary>
    public byte[] ToPayload() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["protocol"] = Protocol,
        ["plugin"] = PluginId,
        ["pid"] = ProcessId,
        ["capabilities"] = Capabilities,
    });

    /// <summary>Parses a Hello payload.</summary>
    /// <exception cref="ProtocolException">Not JSON, or a field is missing or of the wrong type.</exception>
    public static HelloMessage Parse(ReadOnlyMemory<byte> payload)
    {
        using (var document = PayloadJson.Parse(payload, "Hello"))
        {
            var root = document.RootElement;
            if (!PayloadJson.TryGetInt32(root, "protocol", out var version)
                || !root.TryGetProperty("plugin", out var plugin) || plugin.ValueKind != JsonValueKind.String
                || !PayloadJson.TryGetInt32(root, "pid", out var processId))
            {
                throw new ProtocolException("the Hello payload lacks 'protocol' (number), 'plugin' (string) or 'pid' (number).");
            }

            var capabilities = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("capabilities", out var sets) && sets.ValueKind == JsonValueKind.Object)
            {
                foreach (var set in sets.EnumerateObject())
                {
                    capabilities[set.Name] = set.Value.ValueKind == JsonValueKind.String ? set.Value.GetString()! : set.Value.GetRawText();
                }
            }

            return new HelloMessage(version, plugin.GetString()!, processId, capabilities);
        }
    }

    /// <summary>Null when the child speaks this host's version; otherwise the refusal, naming both.</summary>
    public string? VersionProblem() => Protocol == ProtocolVersion.Current
        ? null
        : $"the plugin-host child for '{PluginId}' speaks protocol {Protocol}; this host speaks protocol {ProtocolVersion.Current}.";
}
