using System.Text;
using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.EventHeader;
using Framework.Plugins.UserEvents.Kernel;
using Framework.Plugins.UserEvents.Payload;

namespace Framework.Fuzz.Targets;

/// <summary>user-events' parsers: the user_events definition grammar, EventHeader events, and what
/// the kernel collector reads: a tracefs format file, perf ring records and the trace records in them.</summary>
public static class UserEventsTargets
{
    private const string Assembly = "Framework.Plugins.UserEvents.dll";

    /// <summary>The targets.</summary>
    public static IEnumerable<FuzzTarget> All =>
    [
        new("user-events-definition", "user_events definition (name field;field): UserEventCommandParser.TryParse, the print format, FieldsMatch", [Assembly], Definition),
        new("user-events-eventheader", "EventHeader event (header, extensions, metadata, fields): EventHeaderDecoder.TryDecode; tracepoint names", [Assembly], EventHeaderEvent),
        new("user-events-perf-record", "tracefs format text, a NUL, then perf ring records: TracefsEventFormat.Parse, PerfRingRecord, UserEventRecordDecoder.TryDecode", [Assembly], PerfRecords),
    ];

    private static void Definition(ReadOnlySpan<byte> input)
    {
        if (!UserEventCommandParser.TryParse(Encoding.UTF8.GetString(input), out var definition, out _))
        {
            return;
        }

        _ = definition!.PrintFormat();

        // The oracle. The text given may not match itself on re-registration (like the kernel's
        // user_fields_match, text with an empty field, ";;" or a leading ';', does not), so
        // FieldsMatch of the original text is only exercised. What must hold is the round trip
        // through the kernel's own spelling: the definition as dynamic_events shows it
        // ("name type field; type field") is a command that defines the same event, and registering
        // that text again matches the existing event.
        _ = UserEventCommandParser.FieldsMatch(definition, definition.Arguments);
        var shown = definition.Describe();
        if (!UserEventCommandParser.TryParse(shown, out var again, out var error))
        {
            throw new InvalidOperationException($"'{shown}' (the definition as shown) does not parse: {error.Message}");
        }

        if (again!.Name != definition.Name || again.Describe() != shown || again.PayloadSize != definition.PayloadSize
            || !again.Fields.SequenceEqual(definition.Fields))
        {
            throw new InvalidOperationException($"'{shown}' defines another event: '{again.Describe()}'");
        }

        // The kernel's matcher splits bytes on isspace(); the round trip is only its rule for text of
        // printable ASCII (a '\r' inside a name, or bytes that are not UTF-8, split differently there).
        if (!shown.All(c => c is >= ' ' and <= '~'))
        {
            return;
        }

        var space = shown.IndexOf(' ', StringComparison.Ordinal);
        if (!UserEventCommandParser.FieldsMatch(definition, space < 0 ? null : shown[(space + 1)..]))
        {
            throw new InvalidOperationException($"'{shown}' (the definition as shown) does not match the event on re-registration");
        }
    }

    private static void EventHeaderEvent(ReadOnlySpan<byte> input)
    {
        if (EventHeaderDecoder.TryDecode(input, out var decoded, out _))
        {
            _ = decoded!.ToString();
        }

        _ = EventHeaderTracepointName.TryParse(Encoding.UTF8.GetString(input), out _);
    }

    private static void PerfRecords(ReadOnlySpan<byte> input)
    {
        var split = input.IndexOf((byte)0);
        if (split < 0)
        {
            return;
        }

        var format = TracefsEventFormat.Parse("user_events", Encoding.UTF8.GetString(input[..split]), out _);
        if (format is null)
        {
            return;
        }

        var ring = input[(split + 1)..];
        while (PerfRingRecord.TryReadHeader(ring, (ulong)ring.Length, out var type, out var size))
        {
            var body = ring[PerfRingRecord.HeaderSize..size];
            ring = ring[size..];
            if (type == PerfRingRecord.Lost)
            {
                _ = PerfRingRecord.TryReadLost(body, out _);
            }
            else if (type == PerfRingRecord.Sample && PerfRingRecord.TryReadSample(body, out _, out _, out _, out var raw))
            {
                _ = UserEventRecordDecoder.ReadCommonHeader(raw);
                if (UserEventRecordDecoder.TryDecode(format.Definition, raw, out var values, out _))
                {
                    foreach (var value in values)
                    {
                        _ = value.ToString();
                    }
                }
            }
        }
    }
}
