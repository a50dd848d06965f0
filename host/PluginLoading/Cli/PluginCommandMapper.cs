using System.CommandLine;
using Framework.Abstractions.Commands;

namespace Framework.Host.Cli;

/// <summary>Runs a mapped command: its definition, its path ("bpf run"), the bound values.</summary>
internal delegate Task<int> PluginCommandInvocation(PluginCommand command, string path, IReadOnlyDictionary<string, IReadOnlyList<string>> values, CancellationToken cancellationToken);

/// <summary>Maps a plugin's contract-level <see cref="PluginCommand"/> onto System.CommandLine, for
/// the host and for Framework.Testing alike, so that both accept the same command lines
/// (<c>--opt value</c> and <c>--opt=value</c>, aliases, repeated options). Every value reaches the
/// plugin as a string, keyed by argument name or option long name.</summary>
internal static class PluginCommandMapper
{
    public static Command Map(PluginCommand definition, string parentPath, PluginCommandInvocation invoke)
    {
        var path = string.IsNullOrEmpty(parentPath) ? definition.Name : $"{parentPath} {definition.Name}";
        var command = new Command(definition.Name, definition.Description);
        foreach (var alias in definition.Aliases)
        {
            command.Aliases.Add(alias);
        }

        var readers = new List<Func<ParseResult, (string Key, IReadOnlyList<string>? Values)>>();
        foreach (var argument in definition.Arguments)
        {
            if (argument.Many)
            {
                var many = new Argument<string[]>(argument.Name)
                {
                    Description = argument.Description,
                    Arity = argument.Required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore,
                };
                command.Arguments.Add(many);
                readers.Add(parse => (argument.Name, parse.GetValue(many)));
            }
            else
            {
                var single = new Argument<string?>(argument.Name)
                {
                    Description = argument.Description,
                    Arity = argument.Required ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne,
                };
                command.Arguments.Add(single);
                readers.Add(parse => (argument.Name, parse.GetValue(single) is { } value ? [value] : null));
            }
        }

        foreach (var option in definition.Options)
        {
            if (option.IsFlag)
            {
                var flag = new Option<bool>(option.Name, option.Aliases) { Description = option.Description };
                command.Options.Add(flag);
                readers.Add(parse => (option.Name, parse.GetValue(flag) ? ["true"] : null));
            }
            else if (option.Many)
            {
                var repeated = new Option<string[]>(option.Name, option.Aliases)
                {
                    Description = option.Description,
                    Required = option.Required,
                    Arity = option.Required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore,
                    AllowMultipleArgumentsPerToken = false,
                };
                if (option.DefaultValue is { } defaultValue)
                {
                    repeated.DefaultValueFactory = _ => [defaultValue];
                }

                command.Options.Add(repeated);
                readers.Add(parse => (option.Name, parse.GetValue(repeated) is { Length: > 0 } values ? values : null));
            }
            else
            {
                var valued = new Option<string?>(option.Name, option.Aliases)
                {
                    Description = option.Description,
                    Required = option.Required,
                };
                if (option.DefaultValue is { } defaultValue)
                {
                    valued.DefaultValueFactory = _ => defaultValue;
                }

                command.Options.Add(valued);
                readers.Add(parse => (option.Name, parse.GetValue(valued) is { } value ? [value] : null));
            }
        }

        foreach (var sub in definition.Subcommands)
        {
            command.Subcommands.Add(Map(sub, path, invoke));
        }

        if (definition.Handler is not null)
        {
            command.SetAction((parse, cancellationToken) =>
            {
                var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var read in readers)
                {
                    var (key, value) = read(parse);
                    if (value is not null)
                    {
                        values[key] = value;
                    }
                }

                return invoke(definition, path, values, cancellationToken);
            });
        }

        return command;
    }
}
