using System.Globalization;
using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Kernel;

/// <summary>
/// An event's tracefs <c>format</c> file (events/&lt;system&gt;/&lt;name&gt;/format): its ID (the
/// perf tracepoint config) and its fields, turned back into a user_events definition so that the
/// kernel's records decode with the same decoder as the in-process backend's.
/// </summary>
/// <param name="System">The tracing system.</param>
/// <param name="Name">The tracepoint name.</param>
/// <param name="Id">The event id (perf_event_attr.config for PERF_TYPE_TRACEPOINT, and common_type).</param>
/// <param name="Definition">The fields after the common ones.</param>
public sealed record TracefsEventFormat(string System, string Name, int Id, UserEventDefinition Definition)
{
    /// <summary>Parses a format file's text; null with <paramref name="error"/> when it is not one.</summary>
    public static TracefsEventFormat? Parse(string system, string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? name = null;
        var id = -1;
        var fields = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("name:", StringComparison.Ordinal))
            {
                name = line[5..].Trim();
            }
            else if (line.StartsWith("ID:", StringComparison.Ordinal))
            {
                _ = int.TryParse(line.AsSpan(3).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out id);
            }
            else if (line.StartsWith("field:", StringComparison.Ordinal))
            {
                var parts = line.Split(';', StringSplitOptions.TrimEntries);
                var declaration = parts[0][6..].Trim();
                var space = declaration.LastIndexOf(' ');
                if (space <= 0)
                {
                    continue;
                }

                var type = declaration[..space];
                var fieldName = declaration[(space + 1)..];
                if (fieldName.StartsWith("common_", StringComparison.Ordinal))
                {
                    continue;
                }

                // ftrace prints "char[20] msg" as "char msg[20]": put the brackets back on the type.
                var bracket = fieldName.IndexOf('[', StringComparison.Ordinal);
                if (bracket >= 0)
                {
                    type += fieldName[bracket..];
                    fieldName = fieldName[..bracket];
                }

                var size = parts.FirstOrDefault(p => p.StartsWith("size:", StringComparison.Ordinal))?[5..];

                // A fixed array's length is taken from its size, never from the brackets: user_events
                // (6.12) allocates its fields without setting the length that the format file prints,
                // so the lab saw "char method[7461112]" (size:8) at random, or "name[]" when the
                // memory happened to be zero.
                var open = type.IndexOf('[', StringComparison.Ordinal);
                if (open > 0 && type.EndsWith(']') && !type.StartsWith("__data_loc ", StringComparison.Ordinal) && !type.StartsWith("__rel_loc ", StringComparison.Ordinal)
                    && int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && type[..open] == "char")
                {
                    // char[N] is the only fixed array the user_events grammar has: N is the size.
                    type = string.Create(CultureInfo.InvariantCulture, $"char[{bytes}]");
                }

                fields.Add(type.StartsWith("struct ", StringComparison.Ordinal) ? $"{type} {fieldName} {size}" : $"{type} {fieldName}");
            }
        }

        if (name is null || id < 0)
        {
            error = "the text has no 'name:' or 'ID:' line";
            return null;
        }

        var command = fields.Count == 0 ? name : $"{name} {string.Join(';', fields)}";
        if (!UserEventCommandParser.TryParse(command, out var definition, out var parseError))
        {
            error = parseError.Message;
            return null;
        }

        error = null;
        return new TracefsEventFormat(system, name, id, definition!);
    }

    /// <summary>Reads events/&lt;system&gt;/&lt;name&gt;/format under <paramref name="tracefs"/>; null when absent or unreadable.</summary>
    public static TracefsEventFormat? Read(string tracefs, string system, string name) => Read(tracefs, system, name, out _);

    /// <summary>As <see cref="Read(string, string, string)"/>, with why it gave null.</summary>
    public static TracefsEventFormat? Read(string tracefs, string system, string name, out string? error)
    {
        var path = Path.Combine(tracefs, "events", system, name, "format");
        try
        {
            if (!File.Exists(path))
            {
                error = $"{path} does not exist";
                return null;
            }

            var format = Parse(system, File.ReadAllText(path), out var parseError);
            error = parseError is null ? null : $"{path}: {parseError}";
            return format;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{path}: {e.Message}";
            return null;
        }
    }

    /// <summary>Every event of the systems under <paramref name="tracefs"/> whose format reads and parses.</summary>
    public static IReadOnlyList<TracefsEventFormat> ReadAll(string tracefs, params string[] systems) => ReadAll(tracefs, systems, out _);

    /// <summary>Every event of the systems under <paramref name="tracefs"/>; <paramref name="unreadable"/>
    /// names each event directory whose format could not be read or parsed, and why.</summary>
    public static IReadOnlyList<TracefsEventFormat> ReadAll(string tracefs, string[] systems, out IReadOnlyList<string> unreadable)
    {
        ArgumentNullException.ThrowIfNull(systems);
        var list = new List<TracefsEventFormat>();
        var problems = new List<string>();
        foreach (var system in systems)
        {
            var directory = Path.Combine(tracefs, "events", system);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var eventDirectory in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(eventDirectory);
                if (Read(tracefs, system, name, out var error) is { } format)
                {
                    list.Add(format);
                }
                else
                {
                    problems.Add($"{system}:{name} ({error})");
                }
            }
        }

        unreadable = problems;
        return list;
    }
}
