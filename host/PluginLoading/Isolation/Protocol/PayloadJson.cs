using System.Text.Json;

namespace Framework.Host.Isolation.Protocol;

/// <summary>Opens a frame payload as JSON: valid UTF-8 first (the JSON reader would otherwise fail
/// later, while reading a string, with another exception type), shallow, or a protocol error.</summary>
internal static class PayloadJson
{
    public static JsonDocument Parse(ReadOnlyMemory<byte> payload, string what, int maxDepth = 4)
    {
        if (!System.Text.Unicode.Utf8.IsValid(payload.Span))
        {
            throw new ProtocolException($"the {what} payload is not valid UTF-8.");
        }

        try
        {
            var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = maxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new ProtocolException($"the {what} payload is not a JSON object.");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new ProtocolException($"the {what} payload is not JSON (byte {e.BytePositionInLine}): {e.Message}", e);
        }
    }

    /// <summary>A number property that fits an int; false when missing or of another kind.</summary>
    public static bool TryGetInt32(JsonElement root, string name, out int value)
    {
        value = 0;
        return root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }
}
