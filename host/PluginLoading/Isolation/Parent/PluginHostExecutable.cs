using System.Diagnostics;

namespace Framework.Host.Isolation.Parent;

/// <summary>
/// The <c>framework</c> executable that serves as a plugin-host child: its apphost, or
/// <c>framework.dll</c> run by the <c>dotnet</c> muxer. The host starts its children from itself
/// (<see cref="Self"/>); Framework.Testing, which runs inside a test process, finds the executable
/// with <see cref="Locate"/>.
/// </summary>
internal sealed class PluginHostExecutable
{
    /// <summary>The hidden verb the child runs: <c>framework plugin-host &lt;folder&gt; &lt;socket&gt;</c>.</summary>
    public const string Verb = "plugin-host";

    /// <summary>The environment variable that names the framework executable (the apphost or
    /// framework.dll) for a process that is not the host itself.</summary>
    public const string PathVariable = "FRAMEWORK_HOST_PATH";

    private const string EntryAssembly = "framework.dll";
    private const string AppHost = "framework";

    private readonly string _fileName;
    private readonly string? _entry;

    private PluginHostExecutable(string fileName, string? entry)
    {
        _fileName = fileName;
        _entry = entry;
    }

    /// <summary>The file that is started, and the assembly the muxer runs (null for the apphost).</summary>
    public override string ToString() => _entry is null ? _fileName : $"{_fileName} {_entry}";

    /// <summary>This process's own executable: the host runs either as its apphost or as
    /// <c>dotnet framework.dll</c>, and its children are started the same way, from the same build.</summary>
    public static PluginHostExecutable Self()
    {
        var self = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileName(self) == AppHost
            ? new PluginHostExecutable(self, null)
            : new PluginHostExecutable(Muxer(self), Path.Combine(AppContext.BaseDirectory, EntryAssembly));
    }

    /// <summary>The framework executable for a process that is not the host (a test): the path in
    /// <c>FRAMEWORK_HOST_PATH</c> when set, otherwise framework.dll beside this process's assemblies
    /// (a test project that references the host project gets it copied there).</summary>
    /// <exception cref="FileNotFoundException">Neither names an existing framework executable; the
    /// message says where it looked and how to provide one.</exception>
    public static PluginHostExecutable Locate()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured)
        {
            return At(configured, $"{PathVariable} names {configured}");
        }

        var beside = Path.Combine(AppContext.BaseDirectory, EntryAssembly);
        return File.Exists(beside)
            ? At(beside, beside)
            : throw new FileNotFoundException(
                $"out-of-process mode starts 'framework {Verb}', but no framework executable was found: {PathVariable} is not set and {beside} does not exist. Set {PathVariable} to the host's framework.dll (or its apphost), or reference the host project from the test project so that framework.dll is copied beside the tests.",
                beside);
    }

    /// <summary>The framework executable at <paramref name="path"/>: framework.dll (run by dotnet) or the apphost.</summary>
    /// <exception cref="FileNotFoundException">No such file, or a file of another name.</exception>
    public static PluginHostExecutable At(string path, string? described = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        described ??= full;
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{described}, which does not exist: expected the host's {EntryAssembly} or its apphost '{AppHost}'.", full);
        }

        return Path.GetFileName(full) switch
        {
            EntryAssembly => new PluginHostExecutable(Muxer(Environment.ProcessPath), full),
            AppHost => new PluginHostExecutable(full, null),
            _ => throw new FileNotFoundException($"{described}, which is neither the host's {EntryAssembly} nor its apphost '{AppHost}'.", full),
        };
    }

    /// <summary>How to start the child for <paramref name="pluginFolder"/> connecting to <paramref name="socketPath"/>.</summary>
    public ProcessStartInfo StartInfo(string pluginFolder, string socketPath)
    {
        var start = new ProcessStartInfo { FileName = _fileName, RedirectStandardError = true, RedirectStandardOutput = false, UseShellExecute = false };
        if (_entry is not null)
        {
            start.ArgumentList.Add(_entry);
        }

        start.ArgumentList.Add(Verb);
        start.ArgumentList.Add(pluginFolder);
        start.ArgumentList.Add(socketPath);
        return start;
    }

    // The muxer that runs this process when it is one (the SDK's test host is started by it too),
    // else the one the SDK names, else dotnet on the PATH.
    private static string Muxer(string? self) =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } muxer ? muxer
        : self is not null && Path.GetFileName(self) == "dotnet" ? self
        : "dotnet";
}
