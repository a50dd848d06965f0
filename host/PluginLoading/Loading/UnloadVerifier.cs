using System.Runtime.CompilerServices;

namespace Framework.Host.Loading;

/// <summary>
/// Checks that an unloaded plugin context is really collected. Unloading only asks the runtime; a
/// static event, a timer or a thread that still references the plugin's code keeps the context (and
/// its memory) alive, and only collections tell.
/// </summary>
public static class UnloadVerifier
{
    /// <summary>Collects until the context behind <paramref name="contextReference"/> is gone, at most
    /// <paramref name="attempts"/> times 50 ms. Runs on another thread so that the caller's stack holds
    /// no stale slot that would keep the plugin's objects reachable.</summary>
    /// <returns>True when the context was collected.</returns>
    public static Task<bool> WaitForCollectionAsync(WeakReference contextReference, int attempts = 100)
    {
        ArgumentNullException.ThrowIfNull(contextReference);
        return Task.Run(() => WaitForCollection(contextReference, attempts), CancellationToken.None);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool WaitForCollection(WeakReference reference, int attempts)
    {
        for (var attempt = 0; attempt < attempts && reference.IsAlive; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            if (reference.IsAlive)
            {
                Thread.Sleep(50);
            }
        }

        return !reference.IsAlive;
    }
}
