namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>
/// The envelope the three OTLP export requests share: request { repeated Resource* (field 1) },
/// Resource* { Resource resource = 1; repeated Scope* = 2 }, Scope* { InstrumentationScope scope = 1;
/// repeated item = 2 }. Each decoder supplies only how to read one item and attach resource and scope.
/// </summary>
internal static class OtlpEnvelope
{
    /// <exception cref="OtlpDecodeException">The payload is not a well-formed request.</exception>
    public static IReadOnlyList<T> Decode<T>(
        ReadOnlySpan<byte> payload,
        (string Request, string ResourceItems, string ScopeItems, string Item) names,
        Func<ProtoReader, T> readItem,
        Func<T, OtlpResource, OtlpScope, T> attach)
    {
        var items = new List<T>();
        var request = ProtoReader.Create(payload.ToArray(), names.Request);
        while (request.Next())
        {
            if (request.Field == 1)
            {
                ReadResourceItems(request.ReadMessage(names.ResourceItems), names, readItem, attach, items);
            }
            else
            {
                request.Skip();
            }
        }

        return items;
    }

    private static void ReadResourceItems<T>(
        ProtoReader reader,
        (string Request, string ResourceItems, string ScopeItems, string Item) names,
        Func<ProtoReader, T> readItem,
        Func<T, OtlpResource, OtlpScope, T> attach,
        List<T> items)
    {
        // The resource may come after the scopes on the wire: read everything, then attach it.
        var resource = OtlpResource.Empty;
        var scoped = new List<(OtlpScope Scope, List<T> Items)>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    resource = OtlpCommonDecoder.ReadResource(reader.ReadMessage("Resource"));
                    break;
                case 2:
                    scoped.Add(ReadScopeItems(reader.ReadMessage(names.ScopeItems), names.Item, readItem));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        foreach (var (scope, pending) in scoped)
        {
            items.AddRange(pending.Select(item => attach(item, resource, scope)));
        }
    }

    private static (OtlpScope, List<T>) ReadScopeItems<T>(ProtoReader reader, string itemName, Func<ProtoReader, T> readItem)
    {
        var scope = OtlpScope.Empty;
        var items = new List<T>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    scope = OtlpCommonDecoder.ReadScope(reader.ReadMessage("InstrumentationScope"));
                    break;
                case 2:
                    items.Add(readItem(reader.ReadMessage(itemName)));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return (scope, items);
    }
}
