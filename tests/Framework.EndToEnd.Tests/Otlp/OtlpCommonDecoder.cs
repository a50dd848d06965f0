namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>
/// opentelemetry.proto.common.v1 and resource.v1: AnyValue (as string, bool, long, double, byte[],
/// IReadOnlyList&lt;object?&gt; or IReadOnlyDictionary&lt;string, object?&gt;; null when empty),
/// KeyValue, InstrumentationScope, Resource.
/// </summary>
internal static class OtlpCommonDecoder
{
    public static object? ReadAnyValue(ProtoReader reader)
    {
        object? value = null;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    value = reader.ReadString();
                    break;
                case 2:
                    value = reader.ReadBool();
                    break;
                case 3:
                    value = reader.ReadInt64();
                    break;
                case 4:
                    value = reader.ReadDouble();
                    break;
                case 5:
                    value = ReadArray(reader.ReadMessage("ArrayValue"));
                    break;
                case 6:
                    value = ReadKeyValueList(reader.ReadMessage("KeyValueList"));
                    break;
                case 7:
                    value = reader.ReadBytes();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return value;
    }

    /// <summary>Reads one KeyValue (the current field's message) into <paramref name="attributes"/>.</summary>
    public static void ReadKeyValue(ProtoReader reader, Dictionary<string, object?> attributes)
    {
        var key = string.Empty;
        object? value = null;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    key = reader.ReadString();
                    break;
                case 2:
                    value = ReadAnyValue(reader.ReadMessage("AnyValue"));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        attributes[key] = value;
    }

    public static OtlpResource ReadResource(ProtoReader reader)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                ReadKeyValue(reader.ReadMessage("KeyValue"), attributes);
            }
            else
            {
                reader.Skip();
            }
        }

        return new OtlpResource(attributes);
    }

    public static OtlpScope ReadScope(ProtoReader reader)
    {
        var name = string.Empty;
        var version = string.Empty;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    name = reader.ReadString();
                    break;
                case 2:
                    version = reader.ReadString();
                    break;
                case 3:
                    ReadKeyValue(reader.ReadMessage("KeyValue"), attributes);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new OtlpScope(name, version, attributes);
    }

    private static List<object?> ReadArray(ProtoReader reader)
    {
        var values = new List<object?>();
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                values.Add(ReadAnyValue(reader.ReadMessage("AnyValue")));
            }
            else
            {
                reader.Skip();
            }
        }

        return values;
    }

    private static Dictionary<string, object?> ReadKeyValueList(ProtoReader reader)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                ReadKeyValue(reader.ReadMessage("KeyValue"), values);
            }
            else
            {
                reader.Skip();
            }
        }

        return values;
    }
}
