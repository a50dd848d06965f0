using System.Text.Json;

namespace Framework.Host.Isolation.Protocol;

/// <summary>The child's answer to one request, in plain data.</summary>
/// <param name="ExitCode">For a command, its exit code; for other operations 0 on success, 1 on failure.</param>
/// <param name="Output">What the command wrote to its console's standard output.</param>
/// <param name="Error">What the command wrote to its console's error output, or why the operation failed.</param>
/// <param name="Status">For health: Healthy, Degraded or Unhealthy.</param>
public sealed record PluginReply(int ExitCode, string Output = "", string Error = "", string? Status = null)
{
    /// <summary>For a command: the tables it wrote, in order, each with its place in <see cref="Output"/>
    /// (which does not hold them).</summary>
    public IReadOnlyList<CommandTable> Tables { get; init; } = [];

    /// <summary>For a capability call that returned an object: the handle the peer calls it by.</summary>
    public uint? Handle { get; init; }

    /// <summary>For a FilterRun answered by a FilterVerdict: the bytes to keep. Not part of the JSON
    /// payload; it comes from the binary verdict (<see cref="FilterRunMessage"/>).</summary>
    public uint? Verdict { get; init; }

    /// <summary>The frame payload.</summary>
    public byte[] ToPayload() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
    {
        ["exitCode"] = ExitCode,
        ["output"] = Output,
        ["error"] = Error,
        ["status"] = Status,
        ["handle"] = Handle,
        ["tables"] = Tables.Count == 0 ? null : Tables.Select(t => new Dictionary<string, object?>
        {
            ["offset"] = t.Offset,
            ["title"] = t.Title,
            ["columns"] = t.Columns,
            ["rows"] = t.Rows,
        }),
    });

    /// <summary>Parses a reply payload.</summary>
    /// <exception cref="ProtocolException">Not JSON, 'exitCode' missing, or a table malformed or out of
    /// order (its offset beyond the output or before the previous table's).</exception>
    public static PluginReply Parse(ReadOnlyMemory<byte> payload)
    {
        using (var document = PayloadJson.Parse(payload, "reply", maxDepth: 6))
        {
            var root = document.RootElement;
            if (!PayloadJson.TryGetInt32(root, "exitCode", out var exitCode))
            {
                throw new ProtocolException("the reply payload lacks 'exitCode' (number).");
            }

            var output = Text(root, "output") ?? string.Empty;
            return new PluginReply(exitCode, output, Text(root, "error") ?? string.Empty, Text(root, "status"))
            {
                Handle = root.TryGetProperty("handle", out var handle) && handle.ValueKind == JsonValueKind.Number && handle.TryGetUInt32(out var number) ? number : null,
                Tables = root.TryGetProperty("tables", out var tables) && tables.ValueKind == JsonValueKind.Array ? ReadTables(tables, output.Length) : [],
            };
        }
    }

    private static List<CommandTable> ReadTables(JsonElement tables, int outputLength)
    {
        var read = new List<CommandTable>();
        var previous = 0;
        foreach (var table in tables.EnumerateArray())
        {
            var number = read.Count + 1;
            if (table.ValueKind != JsonValueKind.Object || !PayloadJson.TryGetInt32(table, "offset", out var offset) || offset < previous || offset > outputLength)
            {
                throw new ProtocolException($"reply table {number} lacks 'offset', or it is not between {previous} and the output's length {outputLength}.");
            }

            if (!table.TryGetProperty("columns", out var columns) || Strings(columns) is not { } header
                || !table.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
            {
                throw new ProtocolException($"reply table {number} lacks 'columns' (strings) or 'rows' (arrays of strings).");
            }

            var cells = new List<IReadOnlyList<string>>();
            foreach (var row in rows.EnumerateArray())
            {
                cells.Add(Strings(row) ?? throw new ProtocolException($"reply table {number}, row {cells.Count + 1}, is not an array of strings."));
            }

            read.Add(new CommandTable(offset, Text(table, "title"), header, cells));
            previous = offset;
        }

        return read;
    }

    private static List<string>? Strings(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array && array.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
            ? array.EnumerateArray().Select(v => v.GetString()!).ToList()
            : null;

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
