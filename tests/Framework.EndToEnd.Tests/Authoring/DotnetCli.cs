using System.Diagnostics;
using System.Text;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Authoring;

/// <summary>Runs the .NET SDK (<c>dotnet new/pack/build/test/publish</c>) as a plugin author would,
/// with a private DOTNET_CLI_HOME and none of the test runner's MSBuild settings.</summary>
internal sealed class DotnetCli(string cliHome)
{
    /// <summary>More environment for the commands (e.g. FRAMEWORK_HOST_PATH for the generated tests).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public async Task<ProcessResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The test runs inside `dotnet test`: its MSBuild and VSTest variables would steer the child build.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_CLI_HOME"] = cliHome;
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["UseSharedCompilation"] = "false";
        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {timeout}; output so far:\n{await stdout}\n{await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and fails the test, with everything the SDK printed, unless it exits with 0.</summary>
    public async Task<ProcessResult> RunCheckedAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var result = await RunAsync(workingDirectory, timeout, args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} (in {workingDirectory}) failed: {result}");
        }

        return result;
    }
}
