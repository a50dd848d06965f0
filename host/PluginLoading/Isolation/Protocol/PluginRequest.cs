using System.Text.Json;

namespace Framework.Host.Isolation.Protocol;

/// <summary>One operation the host asks of the child, in plain data.</summary>
/// <param name="Operation">One of <see cref="Operations"/>.</param>
/// <param name="CommandPath">For a command: its path ("sample greet").</param>
/// <param name="Values">For a command: the parsed argument and option values by name.</param>
public sealed record PluginRequest(string Operation, string? CommandPath = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? Values = null)
{
    /// <summary>For a job: its name.</summary>
    public string? Job { get; init; }

    /// <summary>For cancel: the id of the request to cancel.</summary>
    public uint? Cancels { get; init; }

    /// <summary>The W3C traceparent of the host's span the work belongs to (a command's or a job's),
    /// so that the plugin's spans in the child are its children.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The operation names.</summary>
    public static class Operations
    {
        /// <summary>Run the plugin's health checks.</summary>
        public const string Health = "health";

        /// <summary>The plugin's command tree (<see cref="CommandDescription"/>), in the reply's output.</summary>
        public const string Describe = "describe";

        /// <summary>Run one command.</summary>
        public const string Command = "command";

        /// <summary>Start the plugin's hosted services.</summary>
        public const string Start = "start";

        /// <summary>Stop the plugin's hosted services; the child exits after replying.</summary>
        public const string Stop = "stop";

        /// <summary>The plugin's jobs (<see cref="JobDescription"/>), in the reply's output.</summary>
        public const string Jobs = "jobs";

        /// <summary>The names of the plugin's health checks, as a JSON array in the reply's output.</summary>
        public const string Checks = "checks";

        /// <summary>Run one job.</summary>
        public const string Job = "job";

        /// <summary>Cancel the request <see cref="Cancels"/> (its token is cancelled; it still replies).</summary>
        public const string Cancel = "cancel";
    }

    /// <summary>The frame payload.</summary>
    public byte[] ToPayload() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
    {
        ["op"] = Operation,
        ["command"] = CommandPath,
        ["values"] = Values,
        ["job"] = Job,
        ["cancels"] = Cancels,
        ["traceparent"] = TraceParent,
    });

    /// <summary>Parses a request payload.</summary>
    /// <exception cref="ProtocolException">Not JSON, or 'op' missing, or values not arrays of strings.</exception>
    public static PluginRequest Parse(ReadOnlyMemory<byte> payload)
    {
        using (var document = PayloadJson.Parse(payload, "request"))
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String)
            {
                throw new ProtocolException("the request payload lacks 'op' (string).");
            }

            string? path = root.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.String ? command.GetString() : null;
            Dictionary<string, IReadOnlyList<string>>? values = null;
            if (root.TryGetProperty("values", out var valueObject) && valueObject.ValueKind == JsonValueKind.Object)
            {
                values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var entry in valueObject.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.Array || entry.Value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
                    {
                        throw new ProtocolException($"request value '{entry.Name}' is not an array of strings.");
                    }

                    values[entry.Name] = entry.Value.EnumerateArray().Select(v => v.GetString()!).ToList();
                }
            }

            return new PluginRequest(op.GetString()!, path, values)
            {
                Job = Text(root, "job"),
                Cancels = root.TryGetProperty("cancels", out var cancels) && cancels.ValueKind == JsonValueKind.Number && cancels.TryGetUInt32(out var id) ? id : null,
                TraceParent = Text(root, "traceparent"),
            };
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
