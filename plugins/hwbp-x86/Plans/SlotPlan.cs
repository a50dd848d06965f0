using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>
/// A replayable sequence of breakpoint registrations: a JSON array of steps such as
/// <c>{"op":"open","name":"a","cpu":0,"task":"t1","type":"w","len":8,"pinned":true}</c>,
/// <c>{"op":"modify","name":"a","type":"rw","len":4}</c> and <c>{"op":"close","name":"a"}</c>.
/// </summary>
public sealed class SlotPlan
{
    /// <summary>The most steps a plan may have.</summary>
    public const int MaxSteps = 1_000_000;

    /// <summary>Creates a plan from steps (validated as <see cref="Parse"/> does).</summary>
    public SlotPlan(IEnumerable<SlotPlanStep> steps)
    {
        Steps = steps.ToList();
        Validate(Steps);
    }

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<SlotPlanStep> Steps { get; }

    /// <summary>Parses a plan. Throws <see cref="SlotPlanException"/> (and nothing else) naming the
    /// step and field when the document is not a valid plan.</summary>
    public static SlotPlan Parse(ReadOnlySpan<byte> json)
    {
        // Utf8JsonReader checks the structure, not the bytes inside strings: an invalid sequence in
        // a name surfaces later, from GetString, as an InvalidOperationException.
        if (InvalidUtf8At(json) is { } offset)
        {
            throw new SlotPlanException(-1, string.Empty, $"not valid UTF-8 at byte {offset}");
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new SlotPlanException(-1, string.Empty, $"not valid JSON ({e.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new SlotPlanException(-1, string.Empty, $"expected a JSON array of steps, found {document.RootElement.ValueKind}");
            }

            var steps = new List<SlotPlanStep>();
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (index >= MaxSteps)
                {
                    throw new SlotPlanException(index, string.Empty, $"a plan has at most {MaxSteps} steps");
                }

                steps.Add(ParseStep(element, index++));
            }

            return new SlotPlan(steps);
        }
    }

    /// <summary>The plan as JSON in the format <see cref="Parse"/> reads.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var step in Steps)
            {
                writer.WriteStartObject();
                writer.WriteString("op", step.OpName);
                writer.WriteString("name", step.Name);
                if (step.Op == SlotPlanOp.Open)
                {
                    WriteNullable(writer, "cpu", step.Cpu);
                    if (step.Task is null)
                    {
                        writer.WriteNull("task");
                    }
                    else
                    {
                        writer.WriteString("task", step.Task);
                    }

                    writer.WriteBoolean("pinned", step.Pinned);
                }

                if (step.Type is { } type)
                {
                    writer.WriteString("type", type.ToShortName());
                }

                if (step.Length is { } length)
                {
                    writer.WriteNumber("len", length);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static SlotPlanStep ParseStep(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SlotPlanException(index, string.Empty, $"expected an object, found {element.ValueKind}");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not ("op" or "name" or "cpu" or "task" or "type" or "len" or "pinned"))
            {
                throw new SlotPlanException(index, property.Name, "unknown field (expected op, name, cpu, task, type, len, pinned)");
            }
        }

        var opText = String(element, index, "op", required: true)!;
        var op = opText switch
        {
            "open" => SlotPlanOp.Open,
            "modify" => SlotPlanOp.Modify,
            "close" => SlotPlanOp.Close,
            _ => throw new SlotPlanException(index, "op", $"'{opText}' is not open, modify or close"),
        };
        var name = String(element, index, "name", required: true)!;
        if (name.Length == 0 || name.Length > 64)
        {
            throw new SlotPlanException(index, "name", "must be 1 to 64 characters");
        }

        if (op != SlotPlanOp.Open && (Has(element, "cpu") || Has(element, "task") || Has(element, "pinned")))
        {
            throw new SlotPlanException(index, "cpu", $"{opText} takes only name, type and len (cpu, task and pinned are fixed when the breakpoint is opened)");
        }

        if (op == SlotPlanOp.Close && (Has(element, "type") || Has(element, "len")))
        {
            throw new SlotPlanException(index, "type", "close takes only a name");
        }

        int? cpu = null;
        if (element.TryGetProperty("cpu", out var cpuElement) && cpuElement.ValueKind != JsonValueKind.Null)
        {
            if (cpuElement.ValueKind != JsonValueKind.Number || !cpuElement.TryGetInt32(out var c) || c < 0 || c > 65535)
            {
                throw new SlotPlanException(index, "cpu", $"expected a CPU number (0 or more) or null for every CPU, found {cpuElement.GetRawText()}");
            }

            cpu = c;
        }

        var task = String(element, index, "task", required: false);
        if (task is { Length: 0 or > 64 })
        {
            throw new SlotPlanException(index, "task", "a task name must be 1 to 64 characters (or null for a CPU-bound breakpoint)");
        }

        HwBreakpointType? type = null;
        if (String(element, index, "type", required: op == SlotPlanOp.Open) is { } typeText)
        {
            type = HwBreakpointTypes.TryParse(typeText, out var t)
                ? t
                : throw new SlotPlanException(index, "type", $"'{typeText}' is not r, w, rw or x");
        }

        ulong? length = null;
        if (element.TryGetProperty("len", out var lenElement) && lenElement.ValueKind != JsonValueKind.Null)
        {
            if (lenElement.ValueKind != JsonValueKind.Number || !lenElement.TryGetUInt64(out var l) || l > uint.MaxValue)
            {
                throw new SlotPlanException(index, "len", $"expected a length in bytes, found {lenElement.GetRawText()}");
            }

            length = l;
        }
        else if (op == SlotPlanOp.Open)
        {
            throw new SlotPlanException(index, "len", "open needs a length in bytes (1, 2, 4 or 8)");
        }

        if (op == SlotPlanOp.Modify && type is null && length is null)
        {
            throw new SlotPlanException(index, "type", "modify needs a new type, a new len, or both");
        }

        var pinned = true;
        if (element.TryGetProperty("pinned", out var pinnedElement) && pinnedElement.ValueKind != JsonValueKind.Null)
        {
            pinned = pinnedElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new SlotPlanException(index, "pinned", $"expected true or false, found {pinnedElement.GetRawText()}"),
            };
        }

        return new SlotPlanStep(op, name, cpu, task, type, length, pinned);
    }

    private static int? InvalidUtf8At(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[256];
        var at = 0;
        while (at < bytes.Length)
        {
            var status = Utf8.ToUtf16(bytes[at..], chars, out var read, out _, replaceInvalidSequences: false);
            if (status == OperationStatus.InvalidData)
            {
                return at + read;
            }

            at += read;
            if (status == OperationStatus.NeedMoreData)
            {
                return at;
            }
        }

        return null;
    }

    private static bool Has(JsonElement element, string name) => element.TryGetProperty(name, out _);

    private static string? String(JsonElement element, int index, string name, bool required)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new SlotPlanException(index, name, "is required") : null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new SlotPlanException(index, name, $"expected a string, found {value.GetRawText()}");
    }

    // Names are opened before they are modified or closed, and closed before they are opened again.
    private static void Validate(IReadOnlyList<SlotPlanStep> steps)
    {
        var open = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            switch (step.Op)
            {
                case SlotPlanOp.Open when !open.Add(step.Name):
                    throw new SlotPlanException(i, "name", $"'{step.Name}' is already open (close it first)");
                case SlotPlanOp.Open when step.Type is null || step.Length is null:
                    throw new SlotPlanException(i, "type", "open needs type and len");
                case SlotPlanOp.Modify when !open.Contains(step.Name):
                case SlotPlanOp.Close when !open.Contains(step.Name):
                    throw new SlotPlanException(i, "name", $"'{step.Name}' is not open at this step");
                case SlotPlanOp.Close:
                    open.Remove(step.Name);
                    break;
            }
        }
    }
}
