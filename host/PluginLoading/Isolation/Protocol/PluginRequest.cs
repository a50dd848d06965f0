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

    /// <summary>For the capability operations: the capability's full type name (resolve), or the
    /// object a call is made on (call: a handle the peer handed out).</summary>
    public string? Capability { get; init; }

    /// <summary>For a capability call: the handle of the object called.</summary>
    public uint? Handle { get; init; }

    /// <summary>For a capability call: the member called.</summary>
    public string? Member { get; init; }

    /// <summary>For a capability call: its text arguments, in order.</summary>
    public IReadOnlyList<string?>? Arguments { get; init; }

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

        /// <summary>The full type names of the capabilities the plugin publishes, as a JSON array in the reply's output.</summary>
        public const string Capabilities = "capabilities";

        /// <summary>Either way: the providers of capability <see cref="Capability"/> the peer can reach,
        /// as a JSON array of {plugin, handle} in the reply's output; an error naming the capability
        /// and both plugins when one exists that cannot cross.</summary>
        public const string CapabilityResolve = "capability-resolve";

        /// <summary>Either way: call <see cref="Member"/> on the object <see cref="Handle"/>; the
        /// reply's output is the result, its handle and status an object returned (its handle and
        /// type), its status on failure the exception's type.</summary>
        public const string CapabilityCall = "capability-call";

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
        ["capability"] = Capability,
        ["handle"] = Handle,
        ["member"] = Member,
        ["args"] = Arguments,
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
                Capability = Text(root, "capability"),
                Handle = root.TryGetProperty("handle", out var handle) && handle.ValueKind == JsonValueKind.Number && handle.TryGetUInt32(out var number) ? number : null,
                Member = Text(root, "member"),
                Arguments = ReadArguments(root),
            };
        }
    }

    private static List<string?>? ReadArguments(JsonElement root)
    {
        if (!root.TryGetProperty("args", out var args) || args.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return args.EnumerateArray().Select(a => a.ValueKind switch
        {
            JsonValueKind.String => a.GetString(),
            JsonValueKind.Null => null,
            _ => throw new ProtocolException("request 'args' is not an array of strings and nulls."),
        }).ToList();
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
