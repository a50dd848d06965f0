using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Framework.Benchmarks.VectorTransports;

/// <summary>Compiles the C baseline (<see cref="VectorBaselineSource"/>) with gcc into a shared library and calls it in-process.</summary>
public sealed unsafe class CBaseline : IDisposable
{
    private readonly nint _library;
    private readonly delegate* unmanaged<int, int, nint> _create;
    private readonly delegate* unmanaged<nint, int, int, long, long> _run;
    private readonly delegate* unmanaged<nint, void> _destroy;
    private readonly nint _handle;

    public CBaseline(int depth, int size)
    {
        // Keyed by the source's hash: an edited baseline is never confused with an old build.
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(VectorBaselineSource.Text)))[..16];
        var source = Path.Combine(Path.GetTempPath(), $"fw-vector-baseline-{key}.c");
        File.WriteAllText(source, VectorBaselineSource.Text);
        var library = Path.Combine(Path.GetTempPath(), $"fw-vector-baseline-{key}.so");
        if (!File.Exists(library))
        {
            using var gcc = Process.Start(new ProcessStartInfo("gcc", $"-O2 -shared -fPIC -o {library} {source}") { RedirectStandardError = true })!;
            var errors = gcc.StandardError.ReadToEnd();
            gcc.WaitForExit();
            if (gcc.ExitCode != 0)
            {
                throw new InvalidOperationException($"gcc failed: {errors}");
            }
        }

        _library = NativeLibrary.Load(library);
        _create = (delegate* unmanaged<int, int, nint>)NativeLibrary.GetExport(_library, "vt_create");
        _run = (delegate* unmanaged<nint, int, int, long, long>)NativeLibrary.GetExport(_library, "vt_run");
        _destroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(_library, "vt_destroy");
        _handle = _create(depth, size);
    }

    /// <summary>Sends and receives <paramref name="packets"/> frames; returns how many were received.</summary>
    public long Run(int txFd, int rxFd, long packets)
    {
        var received = _run(_handle, txFd, rxFd, packets);
        return received >= 0 ? received : throw new InvalidOperationException($"vt_run failed with errno {-received}");
    }

    public void Dispose() => _destroy(_handle);
}
