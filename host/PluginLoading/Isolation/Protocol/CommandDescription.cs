using System.Text.Json;
using Framework.Abstractions.Commands;

namespace Framework.Host.Isolation.Protocol;

/// <summary>A plugin's command tree as plain data (names, descriptions, arguments, options,
/// sub-commands; no handlers), so that the host can offer an out-of-process plugin's commands on its
/// own command line.</summary>
public static class CommandDescription
{
    /// <summary>The commands as a JSON array.</summary>
    public static string Write(IEnumerable<PluginCommand> commands)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var command in commands)
            {
                Write(writer, command);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads commands written by <see cref="Write(IEnumerable{PluginCommand})"/>; handlers are null.</summary>
    /// <exception cref="ProtocolException">Not the expected shape; the message names the field.</exception>
    public static IReadOnlyList<PluginCommand> Read(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().Select(Read).ToList()
                : throw new ProtocolException("the command description is not a JSON array.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            throw new ProtocolException($"the command description is malformed: {e.Message}", e);
        }
    }

    private static void Write(Utf8JsonWriter writer, PluginCommand command)
    {
        writer.WriteStartObject();
        writer.WriteString("name", command.Name);
        writer.WriteString("description", command.Description);
        writer.WriteBoolean("runnable", command.Handler is not null);
        writer.WriteStartArray("aliases");
        foreach (var alias in command.Aliases)
        {
            writer.WriteStringValue(alias);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("arguments");
        foreach (var argument in command.Arguments)
        {
            writer.WriteStartObject();
            writer.WriteString("name", argument.Name);
            writer.WriteString("description", argument.Description);
            writer.WriteBoolean("required", argument.Required);
            writer.WriteBoolean("many", argument.Many);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("options");
        foreach (var option in command.Options)
        {
            writer.WriteStartObject();
            writer.WriteString("name", option.Name);
            writer.WriteString("description", option.Description);
            writer.WriteBoolean("flag", option.IsFlag);
            writer.WriteBoolean("required", option.Required);
            writer.WriteBoolean("many", option.Many);
            writer.WriteString("default", option.DefaultValue);
            writer.WriteStartArray("aliases");
            foreach (var alias in option.Aliases)
            {
                writer.WriteStringValue(alias);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("subcommands");
        foreach (var sub in command.Subcommands)
        {
            Write(writer, sub);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static PluginCommand Read(JsonElement element)
    {
        var command = new PluginCommand(element.GetProperty("name").GetString()!, element.GetProperty("description").GetString() ?? string.Empty);
        foreach (var alias in element.GetProperty("aliases").EnumerateArray())
        {
            command.Aliases.Add(alias.GetString()!);
        }

        foreach (var argument in element.GetProperty("arguments").EnumerateArray())
        {
            command.Arguments.Add(new PluginArgument(argument.GetProperty("name").GetString()!, argument.GetProperty("description").GetString() ?? string.Empty, argument.GetProperty("required").GetBoolean(), argument.GetProperty("many").GetBoolean()));
        }

        foreach (var option in element.GetProperty("options").EnumerateArray())
        {
            command.Options.Add(new PluginOption(
                option.GetProperty("name").GetString()!,
                option.GetProperty("description").GetString() ?? string.Empty,
                option.GetProperty("flag").GetBoolean(),
                option.GetProperty("required").GetBoolean(),
                option.GetProperty("default").GetString(),
                [.. option.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()!)]) { Many = option.GetProperty("many").GetBoolean() });
        }

        foreach (var sub in element.GetProperty("subcommands").EnumerateArray())
        {
            command.Subcommands.Add(Read(sub));
        }

        // Marks a command that runs (the proxy replaces the handler); a group keeps none.
        command.Handler = element.GetProperty("runnable").GetBoolean() ? (_, _) => Task.FromResult(0) : null;
        return command;
    }
}
