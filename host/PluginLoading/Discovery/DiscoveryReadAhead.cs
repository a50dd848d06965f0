using System.Collections.Concurrent;

namespace Framework.Host.Discovery;

/// <summary>
/// Discovery work that depends on files only, done on a second core while a command parses its
/// options and builds its configuration: reading one root's manifests, then the file checks of
/// admission (<see cref="PluginAdmission.CheckFiles"/>) for the plugins the command line most
/// likely loads. Each is the first use of its libraries in the process (metadata
/// reader, JSON, NuGet versions), so on the critical path of a one-shot command it costs far more
/// than the work itself.
/// </summary>
/// <remarks>
/// Only inputs are guessed, never outcomes: discovery takes a root's read only for the same full
/// path, and admission a file check only for the same manifest object; the options (disabled,
/// pins, trust) are applied afterwards as always. A guess that misses costs the second core's time.
/// Each result is taken once, so a later discovery in the same process reads the files again.
/// </remarks>
public static class DiscoveryReadAhead
{
    private static readonly ConcurrentDictionary<string, Task<IReadOnlyList<PluginCandidate>?>> Roots = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<PluginManifest, Task<string?>> FileChecks = new(ReferenceEqualityComparer.Instance);

    /// <summary>Registers a read of <paramref name="root"/> that the next discovery over it will
    /// wait for, and returns the work that does it: reading the root, then the file checks of the
    /// plugins there whose manifest lists the first argument that is a verb of one of them (of all
    /// of them when no argument is: run, plugins and root help load every plugin), or, when the
    /// root holds no plugin, <see cref="Loading.PluginLoaderWarmUp"/>'s same first-use work. The
    /// caller runs the work on a thread of its choosing; it never throws (a failure is handed to
    /// whoever takes the result).</summary>
    /// <param name="root">A plugin root.</param>
    /// <param name="args">The command line, which System.CommandLine has not parsed yet.</param>
    public static Action Prepare(string root, IReadOnlyList<string> args)
    {
        var full = Path.GetFullPath(root);
        var read = new TaskCompletionSource<IReadOnlyList<PluginCandidate>?>(TaskCreationOptions.RunContinuationsAsynchronously);

        // A read nobody took (a command that did not discover this root) gives way to the new one.
        Roots[full] = read.Task;
        return () =>
        {
            IReadOnlyList<PluginCandidate>? candidates;
            try
            {
                candidates = PluginDiscovery.ReadRoot(full);
                read.SetResult(candidates);
            }
            catch (Exception e)
            {
                read.SetException(e);
                return;
            }

            var owners = LikelyOwners(candidates ?? [], args);
            if (owners.Count == 0)
            {
                // No plugin's files to check here: warm up what admission of another root's plugins
                // will use first instead (the checks below would do the same work on a real plugin).
                Loading.PluginLoaderWarmUp.Run();
                return;
            }

            var checks = new TaskCompletionSource<string?>[owners.Count];
            for (var i = 0; i < owners.Count; i++)
            {
                checks[i] = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
                FileChecks[owners[i]] = checks[i].Task;
            }

            for (var i = 0; i < owners.Count; i++)
            {
                try
                {
                    checks[i].SetResult(PluginAdmission.CheckFiles(owners[i], ContractCompatibility.HostContractVersion));
                }
                catch (Exception e)
                {
                    checks[i].SetException(e);
                }
            }
        };
    }

    /// <summary>Takes the read of <paramref name="fullRoot"/> if one was started (waiting for it);
    /// its exception, if it failed, is thrown here as reading the root now would throw it.</summary>
    public static bool TryTake(string fullRoot, out IReadOnlyList<PluginCandidate>? candidates)
    {
        candidates = null;
        if (!Roots.TryRemove(fullRoot, out var read))
        {
            return false;
        }

        candidates = read.GetAwaiter().GetResult();
        return true;
    }

    /// <summary>Takes the file checks of this very manifest object if they were started (waiting for
    /// them): null when they passed, else the refusal.</summary>
    public static bool TryTakeFileCheck(PluginManifest manifest, out string? refusal)
    {
        refusal = null;
        if (!FileChecks.TryRemove(manifest, out var check))
        {
            return false;
        }

        refusal = check.GetAwaiter().GetResult();
        return true;
    }

    // The plugins whose manifest lists the first argument that is a verb of one of them; when no
    // argument is (run, plugins, root help: commands that load every plugin), all of them.
    private static List<PluginManifest> LikelyOwners(IReadOnlyList<PluginCandidate> candidates, IReadOnlyList<string> args)
    {
        var manifests = candidates.Where(c => c.Manifest is not null).Select(c => c.Manifest!).ToList();
        foreach (var arg in args)
        {
            var owners = manifests.Where(m => m.Commands.Contains(arg, StringComparer.Ordinal)).ToList();
            if (owners.Count > 0)
            {
                return owners;
            }
        }

        return manifests;
    }
}
