using System.CommandLine;
using System.CommandLine.Parsing;

namespace Framework.Host.Cli;

/// <summary>
/// The options valid everywhere on the command line, which shape configuration and so must be known
/// before plugins are loaded. They are System.CommandLine options, declared once: the host parses
/// the arguments with them alone first (everything else left for later), then adds the same option
/// objects to the full command tree for help and validation. Both spellings are System.CommandLine's:
/// <c>--set key=value</c> and <c>--set=key=value</c>.
/// </summary>
public sealed record GlobalOptions
{
    /// <summary>--set key=value: a configuration value, highest precedence.</summary>
    public const string Set = "--set";

    /// <summary>--settings file.json: an extra JSON settings file.</summary>
    public const string Settings = "--settings";

    /// <summary>--plugins-dir folder: another folder to discover plugins in.</summary>
    public const string PluginsDir = "--plugins-dir";

    /// <summary>--no-bundled-plugins: skip the plugins beside the executable.</summary>
    public const string NoBundledPlugins = "--no-bundled-plugins";

    /// <summary>--verbose: informational logs on the console for every command.</summary>
    public const string Verbose = "--verbose";

    /// <summary>Configuration values from --set.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Values { get; init; } = [];

    /// <summary>Settings files from --settings.</summary>
    public IReadOnlyList<string> SettingsFiles { get; init; } = [];

    /// <summary>Plugin folders from --plugins-dir.</summary>
    public IReadOnlyList<string> PluginDirectories { get; init; } = [];

    /// <summary>Whether --no-bundled-plugins was given.</summary>
    public bool SkipBundled { get; init; }

    /// <summary>Whether --verbose was given.</summary>
    public bool IsVerbose { get; init; }

    /// <summary>The first word that is not an option or an option's value: the command (run,
    /// plugins, a plugin verb), or null.</summary>
    public string? Command { get; init; }

    /// <summary>Creates the option objects (one set per command tree: System.CommandLine options
    /// belong to one parent).</summary>
    internal static IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<string[]>(Set)
        {
            Description = "Set a configuration value, e.g. --set Plugins:elf2dmp:Spool:Enabled=true (repeatable).",
            Recursive = true,
            Arity = ArgumentArity.OneOrMore,
            Validators = { ValidateSet },
        },
        new Option<string[]>(Settings) { Description = "An extra JSON settings file (repeatable).", Recursive = true, Arity = ArgumentArity.OneOrMore },
        new Option<string[]>(PluginsDir) { Description = "Another folder to discover plugins in (repeatable).", Recursive = true, Arity = ArgumentArity.OneOrMore },
        new Option<bool>(NoBundledPlugins) { Description = "Do not load the plugins bundled beside the executable.", Recursive = true },
        new Option<bool>(Verbose) { Description = "Show informational logs on the console.", Recursive = true },
    ];

    /// <summary>Reads the global options out of the arguments with System.CommandLine, leaving
    /// everything else for the full command tree.</summary>
    /// <exception cref="FormatException">A global option is malformed; the message says which and how.</exception>
    public static GlobalOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = CreateOptions();
        // A plain command, not RootCommand: its help option reads System.CommandLine's resources
        // (some milliseconds at start-up), and help is the full command line's business.
        var root = new Command("framework") { TreatUnmatchedTokensAsErrors = false };
        foreach (var option in options)
        {
            root.Options.Add(option);
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            throw new FormatException(string.Join(" ", parse.Errors.Select(e => e.Message)));
        }

        var values = new List<KeyValuePair<string, string?>>();
        foreach (var pair in parse.GetValue((Option<string[]>)options[0]) ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            values.Add(new(pair[..eq], pair[(eq + 1)..]));
        }

        return new GlobalOptions
        {
            Values = values,
            SettingsFiles = parse.GetValue((Option<string[]>)options[1]) ?? [],
            PluginDirectories = parse.GetValue((Option<string[]>)options[2]) ?? [],
            SkipBundled = parse.GetValue((Option<bool>)options[3]),
            IsVerbose = parse.GetValue((Option<bool>)options[4]),
            Command = parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-')),
        };
    }

    private static void ValidateSet(OptionResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                result.AddError($"{Set} expects key=value (for example {Set} Host:Timeouts:Stop=00:00:05), got '{token.Value}'.");
            }
        }
    }
}
