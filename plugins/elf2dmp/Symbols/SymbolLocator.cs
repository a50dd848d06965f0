using Framework.Abstractions.Commands;
using Framework.Abstractions.Files;
using Framework.Plugins.Elf2Dmp.Pdb;
using Framework.Plugins.Elf2Dmp.Pe;

namespace Framework.Plugins.Elf2Dmp.Symbols;

/// <summary>
/// Finds the PDB of an image along a symbol path: each element's folders in the symbol-store layout
/// and flat, then its server, whose download is stored in the element's cache (temporary file, then
/// rename, so a failed download never leaves a partial PDB). A PDB whose GUID and age differ from the
/// image's RSDS record is refused.
/// </summary>
public sealed class SymbolLocator
{
    private static readonly HttpClient SharedClient = new() { Timeout = TimeSpan.FromMinutes(10) };
    private readonly HttpClient _client;

    /// <summary>Creates a locator.</summary>
    /// <param name="client">The client for symbol servers; a shared one when null.</param>
    public SymbolLocator(HttpClient? client = null)
    {
        _client = client ?? SharedClient;
    }

    /// <summary>Finds the PDB for <paramref name="codeView"/>.</summary>
    /// <param name="codeView">The image's RSDS record.</param>
    /// <param name="path">Where to look.</param>
    /// <param name="log">Receives one line per place tried.</param>
    /// <param name="cancellationToken">Cancels a download.</param>
    /// <exception cref="Elf2DmpException">Not found (NotFound), only mismatching PDBs found (SymbolMismatch),
    /// or a malformed PDB (InvalidData).</exception>
    public async Task<SymbolFile> FindAsync(CodeViewRecord codeView, SymbolPath path, Action<string>? log, CancellationToken cancellationToken)
    {
        var name = codeView.PdbFileName;
        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal))
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "RSDS PDB name", null, $"'{codeView.PdbPath}' is not a usable file name");
        }

        var storeRelative = Path.Combine(name, codeView.SymbolStoreKey, name);
        var tried = new List<string>();
        var mismatches = new List<string>();
        foreach (var element in path.Elements)
        {
            foreach (var directory in element.LocalDirectories)
            {
                foreach (var candidate in new[] { Path.Combine(directory, storeRelative), Path.Combine(directory, name) })
                {
                    tried.Add(candidate);
                    if (File.Exists(candidate) && TryAccept(candidate, codeView, mismatches, log, downloaded: false) is { } found)
                    {
                        return found;
                    }
                }
            }

            if (element.ServerUrl is { } server && element.DownloadCache is { } cache)
            {
                var url = new Uri(server, server.AbsolutePath.TrimEnd('/') + "/" + $"{name}/{codeView.SymbolStoreKey}/{name}");
                tried.Add(url.ToString());
                var target = Path.Combine(cache, storeRelative);
                log?.Invoke($"Downloading {url}");
                if (await DownloadAsync(url, target, log, cancellationToken).ConfigureAwait(false)
                    && TryAccept(target, codeView, mismatches, log, downloaded: true) is { } downloaded)
                {
                    return downloaded;
                }
            }
        }

        if (mismatches.Count > 0)
        {
            throw new Elf2DmpException(Elf2DmpError.SymbolMismatch, name, null,
                $"the image needs GUID {codeView.Signature:D} age {codeView.Age}, but {string.Join("; ", mismatches)}");
        }

        throw new Elf2DmpException(Elf2DmpError.NotFound, name, null, $"no PDB for key {codeView.SymbolStoreKey} on symbol path '{path}' (tried {string.Join(", ", tried)})");
    }

    /// <summary>Whether a PDB belongs to the image: same GUID and same age (the DBI age, or the info age).</summary>
    public static bool Matches(PdbFile pdb, CodeViewRecord codeView) =>
        pdb.Signature == codeView.Signature && (pdb.DbiAge == codeView.Age || pdb.Age == codeView.Age);

    private static SymbolFile? TryAccept(string file, CodeViewRecord codeView, List<string> mismatches, Action<string>? log, bool downloaded)
    {
        var pdb = PdbFile.Open(file);
        if (Matches(pdb, codeView))
        {
            log?.Invoke($"PDB {file} matches (GUID {pdb.Signature:D}, age {pdb.DbiAge})");
            return new SymbolFile(file, pdb, downloaded);
        }

        mismatches.Add($"{file} has GUID {pdb.Signature:D} age {pdb.DbiAge}");
        log?.Invoke($"PDB {file} does not match the image: refused");
        return null;
    }

    private async Task<bool> DownloadAsync(Uri url, string target, Action<string>? log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                log?.Invoke($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                return false;
            }

            // The contract's atomic output: a cut connection, a full disk or a signal leaves no
            // partial PDB in the cache for the next run to trust.
            // A PDB is read back under InputFile.DataLimit: a server that sends more (or never
            // stops) is refused here, before it fills the cache's disk.
            const long limit = InputFile.DataLimit;
            if (response.Content.Headers.ContentLength is > limit)
            {
                throw new Elf2DmpException(Elf2DmpError.Io, "symbol download", null, $"{url} is {response.Content.Headers.ContentLength} bytes, over the PDB limit of {limit}");
            }

            using var output = OutputFile.Create(target, "symbol download");
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw new Elf2DmpException(Elf2DmpError.Io, "symbol download", null, $"{url} sent more than the PDB limit of {limit} bytes; nothing was kept");
                }

                output.Write(buffer.AsSpan(0, read));
            }

            output.Commit();
            return true;
        }
        catch (HttpRequestException ex)
        {
            log?.Invoke($"{url}: {ex.Message}");
            return false;
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new Elf2DmpException(Elf2DmpError.Io, "symbol download", null, $"{url} timed out", ex);
        }
        catch (Exception ex) when (ex is IOException or CommandFailedException or CommandUsageException)
        {
            throw new Elf2DmpException(Elf2DmpError.Io, "symbol download", null, $"{url} to {target}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }
}
