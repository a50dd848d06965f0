using Framework.Abstractions.Commands;

namespace Framework.Testing.Commands;

/// <summary>
/// Binds a command line (the words after <c>framework</c>) to a plugin's declared commands as the
/// host's command line does: subcommands by name or alias, arguments by position (a Many argument
/// takes the rest), options by name or alias (flags as "true"), defaults filled in, required ones
/// checked. Values are keyed by the declared argument or option name.
/// </summary>
internal static class CommandLineBinder
{
    public static (PluginCommand Command, string Path, Dictionary<string, IReadOnlyList<string>> Values) Bind(IReadOnlyList<PluginCommand> roots, IReadOnlyList<string> words)
    {
        if (words.Count == 0)
        {
            throw new CommandUsageException("no command given.");
        }

        var command = Find(roots, words[0]) ?? throw new CommandUsageException($"'{words[0]}' is not a command of this plugin (it has: {string.Join(", ", roots.Select(r => r.Name))}).");
        var path = command.Name;
        var index = 1;
        while (index < words.Count && Find(command.Subcommands.ToList(), words[index]) is { } sub)
        {
            command = sub;
            path += " " + sub.Name;
            index++;
        }

        if (command.Handler is null)
        {
            throw new CommandUsageException($"{path}: a subcommand is required ({string.Join(", ", command.Subcommands.Select(s => s.Name))}).");
        }

        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (; index < words.Count; index++)
        {
            var word = words[index];
            var option = word.StartsWith('-') ? command.Options.FirstOrDefault(o => o.Name == word || o.Aliases.Contains(word)) : null;
            if (option is null)
            {
                if (word.StartsWith("--", StringComparison.Ordinal))
                {
                    throw new CommandUsageException($"{path}: unknown option '{word}'.");
                }

                positional.Add(word);
                continue;
            }

            if (option.IsFlag)
            {
                values[option.Name] = ["true"];
            }
            else if (index + 1 < words.Count)
            {
                var value = words[++index];
                values[option.Name] = option.Many && values.TryGetValue(option.Name, out var earlier) ? [.. earlier, value] : [value];
            }
            else
            {
                throw new CommandUsageException($"{path}: option '{word}' needs a value.");
            }
        }

        var next = 0;
        foreach (var argument in command.Arguments)
        {
            if (argument.Many)
            {
                var rest = positional.Skip(next).ToList();
                next = positional.Count;
                if (rest.Count > 0)
                {
                    values[argument.Name] = rest;
                }
            }
            else if (next < positional.Count)
            {
                values[argument.Name] = [positional[next++]];
            }

            if (argument.Required && !values.ContainsKey(argument.Name))
            {
                throw new CommandUsageException($"{path}: the argument '{argument.Name}' is required.");
            }
        }

        if (next < positional.Count)
        {
            throw new CommandUsageException($"{path}: unexpected '{positional[next]}'.");
        }

        foreach (var option in command.Options.Where(o => !values.ContainsKey(o.Name)))
        {
            if (option.Required)
            {
                throw new CommandUsageException($"{path}: the option '{option.Name}' is required.");
            }

            if (option.DefaultValue is not null)
            {
                values[option.Name] = [option.DefaultValue];
            }
        }

        return (command, path, values);
    }

    private static PluginCommand? Find(IReadOnlyList<PluginCommand> commands, string word) =>
        commands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word));
}
