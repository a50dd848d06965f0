using System.Net;
using System.Net.Sockets;
using Framework.Plugins.Elf2Dmp.Pe;
using Framework.Plugins.Elf2Dmp.Symbols;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class SymbolLocatorTests
{
    [Fact]
    public void Symbol_paths_parse_folders_caches_and_servers()
    {
        var path = SymbolPath.Parse("/sym/local; srv*/sym/cache*http://127.0.0.1:1/symbols ;cache*/c2;SRV*https://msdl.example/download/symbols");

        Assert.Equal(4, path.Elements.Count);
        Assert.Equal(["/sym/local"], path.Elements[0].LocalDirectories);
        Assert.Null(path.Elements[0].ServerUrl);
        Assert.Equal("/sym/cache", path.Elements[1].DownloadCache);
        Assert.Equal("http://127.0.0.1:1/symbols", path.Elements[1].ServerUrl!.ToString());
        Assert.Equal(["/c2"], path.Elements[2].LocalDirectories);
        Assert.Equal(SymbolPath.DefaultCache, path.Elements[3].DownloadCache);
    }

    [Theory]
    [InlineData("srv*")]
    [InlineData("srv*/cache*ftp://example/")]
    [InlineData("srv*/cache*not a url")]
    public void Malformed_server_elements_are_refused(string text)
    {
        var error = Assert.Throws<Elf2DmpException>(() => SymbolPath.Parse(text));
        Assert.Equal(Elf2DmpError.InvalidData, error.Error);
    }

    [Fact]
    public void The_environment_variable_is_the_default()
    {
        var saved = Environment.GetEnvironmentVariable(SymbolPath.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(SymbolPath.EnvironmentVariable, "/from/env");
            Assert.Equal("/from/env", SymbolPath.FromOptionOrEnvironment(null).Text);
            Assert.Equal("/given", SymbolPath.FromOptionOrEnvironment("/given").Text);
            Environment.SetEnvironmentVariable(SymbolPath.EnvironmentVariable, null);
            Assert.Equal(Elf2DmpError.NotFound, Assert.Throws<Elf2DmpException>(() => SymbolPath.FromOptionOrEnvironment(" ")).Error);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SymbolPath.EnvironmentVariable, saved);
        }
    }

    [RequiresToolsFact]
    public async Task A_flat_folder_and_a_store_layout_are_both_searched()
    {
        using var folder = new TestFolder();
        var kernel = KernelImageBuilder.Kernel;
        var codeView = GuestFixture.CodeViewOf(kernel.ImagePath);
        File.Copy(kernel.PdbPath, folder.File("ntkrnlmp.pdb"));

        var found = await new SymbolLocator().FindAsync(codeView, SymbolPath.Parse(folder.Path), null, CancellationToken.None);

        Assert.Equal(folder.File("ntkrnlmp.pdb"), found.Path);
        Assert.False(found.Downloaded);
    }

    [RequiresToolsFact]
    public async Task A_PDB_with_another_GUID_or_age_is_refused()
    {
        using var folder = new TestFolder();
        var kernel = KernelImageBuilder.Kernel;
        var real = GuestFixture.CodeViewOf(kernel.ImagePath);
        File.Copy(kernel.PdbPath, folder.File("ntkrnlmp.pdb"));

        foreach (var wrong in new[] { real with { Age = real.Age + 1 }, real with { Signature = Guid.NewGuid() } })
        {
            var error = await Assert.ThrowsAsync<Elf2DmpException>(() =>
                new SymbolLocator().FindAsync(wrong, SymbolPath.Parse(folder.Path), null, CancellationToken.None));
            Assert.Equal(Elf2DmpError.SymbolMismatch, error.Error);
            Assert.Contains("the image needs GUID", error.Message, StringComparison.Ordinal);
        }
    }

    [RequiresToolsFact]
    public async Task A_missing_PDB_is_NotFound_and_names_the_places_tried()
    {
        using var folder = new TestFolder();
        var codeView = GuestFixture.CodeViewOf(KernelImageBuilder.Kernel.ImagePath);

        var error = await Assert.ThrowsAsync<Elf2DmpException>(() =>
            new SymbolLocator().FindAsync(codeView, SymbolPath.Parse(folder.Path), null, CancellationToken.None));

        Assert.Equal(Elf2DmpError.NotFound, error.Error);
        Assert.Contains(codeView.SymbolStoreKey, error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public async Task A_symbol_server_on_loopback_is_downloaded_into_the_cache_once()
    {
        using var folder = new TestFolder();
        var kernel = KernelImageBuilder.Kernel;
        var codeView = GuestFixture.CodeViewOf(kernel.ImagePath);
        using var server = new SymbolServer(kernel.PdbPath, codeView);
        var cache = folder.File("cache");
        var path = SymbolPath.Parse($"srv*{cache}*{server.Url}");
        var log = new List<string>();

        var first = await new SymbolLocator().FindAsync(codeView, path, log.Add, CancellationToken.None);
        var second = await new SymbolLocator().FindAsync(codeView, path, log.Add, CancellationToken.None);

        Assert.True(first.Downloaded);
        Assert.False(second.Downloaded);
        Assert.Equal(Path.Combine(cache, "ntkrnlmp.pdb", codeView.SymbolStoreKey, "ntkrnlmp.pdb"), first.Path);
        Assert.Equal(File.ReadAllBytes(kernel.PdbPath), File.ReadAllBytes(first.Path));
        Assert.Equal([$"/symbols/ntkrnlmp.pdb/{codeView.SymbolStoreKey}/ntkrnlmp.pdb"], server.Requests);
        Assert.DoesNotContain(Directory.GetFiles(cache, "*.tmp", SearchOption.AllDirectories), _ => true);
    }

    [Fact]
    public async Task A_server_claiming_a_PDB_over_the_limit_is_refused_and_leaves_no_file_in_the_cache()
    {
        using var folder = new TestFolder();
        var pdb = folder.File("small.pdb");
        await File.WriteAllBytesAsync(pdb, new byte[64]);
        var codeView = new CodeViewRecord(Guid.Parse("11111111-2222-3333-4444-555555555555"), 1, "ntkrnlmp.pdb");
        using var server = new SymbolServer(pdb, codeView, declaredLength: Framework.Abstractions.Files.InputFile.DataLimit + 1);
        var cache = folder.File("cache");

        var error = await Assert.ThrowsAsync<Elf2DmpException>(() =>
            new SymbolLocator().FindAsync(codeView, SymbolPath.Parse($"srv*{cache}*{server.Url}"), null, CancellationToken.None));

        Assert.Equal(Elf2DmpError.Io, error.Error);
        Assert.Contains("over the PDB limit of 268435456", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(cache) ? Directory.GetFiles(cache, "*", SearchOption.AllDirectories) : []);
    }

    [RequiresToolsFact]
    public async Task A_server_without_the_PDB_is_NotFound_and_leaves_no_file_in_the_cache()
    {
        using var folder = new TestFolder();
        var kernel = KernelImageBuilder.Kernel;
        var codeView = GuestFixture.CodeViewOf(kernel.ImagePath);
        using var server = new SymbolServer(kernel.PdbPath, codeView with { Age = 99 });
        var cache = folder.File("cache");

        var error = await Assert.ThrowsAsync<Elf2DmpException>(() =>
            new SymbolLocator().FindAsync(codeView, SymbolPath.Parse($"srv*{cache}*{server.Url}"), null, CancellationToken.None));

        Assert.Equal(Elf2DmpError.NotFound, error.Error);
        Assert.Empty(Directory.Exists(cache) ? Directory.GetFiles(cache, "*", SearchOption.AllDirectories) : []);
    }

    /// <summary>A symbol store served over HTTP on 127.0.0.1 by HttpListener.</summary>
    public sealed class SymbolServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly byte[] _pdb;
        private readonly string _path;
        private readonly Task _loop;

        private readonly long? _declaredLength;

        /// <param name="declaredLength">The Content-Length to claim instead of the file's (a hostile server).</param>
        public SymbolServer(string pdbPath, CodeViewRecord servedAs, long? declaredLength = null)
        {
            _pdb = File.ReadAllBytes(pdbPath);
            _declaredLength = declaredLength;
            _path = $"/symbols/{servedAs.SymbolStorePath}";
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/symbols";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public List<string> Requests { get; } = [];

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                var path = context.Request.Url!.AbsolutePath;
                lock (Requests)
                {
                    Requests.Add(path);
                }

                if (path == _path)
                {
                    context.Response.ContentType = "application/octet-stream";
                    context.Response.ContentLength64 = _declaredLength ?? _pdb.Length;
                    try
                    {
                        await context.Response.OutputStream.WriteAsync(_pdb);
                    }
                    catch (Exception ex) when (ex is HttpListenerException or IOException)
                    {
                        // The client hung up on a hostile length, as it should.
                    }
                }
                else
                {
                    context.Response.StatusCode = 404;
                }

                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
