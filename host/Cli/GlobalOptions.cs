namespace Framework.Host.Cli;

/// <summary>
/// Options that shape configuration and so must be known before plugins are loaded (and the full
/// command tree exists): they are read from the raw arguments first, and declared again on the root
/// command for help and validation.
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

    /// <summary>The first word that is not an option: the command (run, plugins, a plugin verb).</summary>
    public string? Command { get; init; }

    /// <summary>Reads the global options out of the raw arguments.</summary>
    /// <exception cref="FormatException">A global option lacks its value or --set has no '='.</exception>
    public static GlobalOptions Scan(IReadOnlyList<string> args)
    {
        var values = new List<KeyValuePair<string, string?>>();
        var settings = new List<string>();
        var dirs = new List<string>();
        var skip = false;
        var verbose = false;
        string? command = null;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = Split(args[i]);
            switch (name)
            {
                case "--":
                    i = args.Count;
                    break;
                case Set:
                    var pair = inline ?? Next(args, ref i, Set);
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new FormatException($"{Set} expects key=value (for example {Set} Host:Timeouts:Stop=00:00:05), got '{pair}'.");
                    }

                    values.Add(new(pair[..eq], pair[(eq + 1)..]));
                    break;
                case Settings:
                    settings.Add(inline ?? Next(args, ref i, Settings));
                    break;
                case PluginsDir:
                    dirs.Add(inline ?? Next(args, ref i, PluginsDir));
                    break;
                case NoBundledPlugins:
                    skip = true;
                    break;
                case Verbose:
                    verbose = true;
                    break;
                default:
                    if (command is null && !args[i].StartsWith('-'))
                    {
                        command = args[i];
                    }

                    break;
            }
        }

        return new GlobalOptions { Values = values, SettingsFiles = settings, PluginDirectories = dirs, SkipBundled = skip, IsVerbose = verbose, Command = command };
    }

    private static (string Name, string? Inline) Split(string arg)
    {
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && arg[..eq] is Settings or PluginsDir)
            {
                return (arg[..eq], arg[(eq + 1)..]);
            }
        }

        return (arg, null);
    }

    private static string Next(IReadOnlyList<string> args, ref int i, string option)
    {
        if (i + 1 >= args.Count)
        {
            throw new FormatException($"{option} needs a value.");
        }

        return args[++i];
    }
}
