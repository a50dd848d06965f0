using System.Text;
using Framework.Host.Discovery;

namespace Framework.Host.Tests.Discovery;

public sealed class PluginManifestReaderTests
{
    private const string Path = "/plugins/x/plugin.json";

    private const string Valid = """
        {
          "id": "bpf-runtime",
          "version": "0.1.0",
          "entryAssembly": "Framework.Plugins.BpfRuntime.dll",
          "contractVersion": "1.0.0",
          "description": "eBPF",
          "requires": { "os": ["linux"], "capabilities": ["CAP_BPF"] }
        }
        """;

    private static PluginManifest Parse(string json) => PluginManifestReader.Parse(Path, Encoding.UTF8.GetBytes(json));

    private static string Problem(string json) => Assert.Throws<PluginManifestException>(() => Parse(json)).Message;

    [Fact]
    public void A_valid_manifest_is_read_whole()
    {
        var manifest = Parse(Valid);
        Assert.Equal("bpf-runtime", manifest.Id);
        Assert.Equal("0.1.0", manifest.Version.ToNormalizedString());
        Assert.Equal("1.0.0", manifest.ContractVersion.ToNormalizedString());
        Assert.Equal("Framework.Plugins.BpfRuntime.dll", manifest.EntryAssembly);
        Assert.Equal(["linux"], manifest.RequiresOs);
        Assert.Equal(["CAP_BPF"], manifest.RequiresCapabilities);
        Assert.Equal("/plugins/x", manifest.Directory);
        Assert.Equal(PluginIsolation.InProcess, manifest.Isolation);
    }

    [Theory]
    [InlineData("process", PluginIsolation.Process)]
    [InlineData("in-process", PluginIsolation.InProcess)]
    public void Isolation_is_read_from_its_exact_word(string word, PluginIsolation expected)
    {
        Assert.Equal(expected, Parse(Valid.Replace("\"description\": \"eBPF\"", $"\"isolation\": \"{word}\"", StringComparison.Ordinal)).Isolation);
    }

    [Theory]
    [InlineData("id", "/plugins/x/plugin.json: field 'id': is missing or empty.")]
    [InlineData("version", "/plugins/x/plugin.json: field 'version': is missing or empty.")]
    [InlineData("entryAssembly", "/plugins/x/plugin.json: field 'entryAssembly': is missing or empty.")]
    [InlineData("contractVersion", "/plugins/x/plugin.json: field 'contractVersion': is missing or empty.")]
    public void A_missing_field_is_named(string field, string message)
    {
        var json = string.Join('\n', Valid.Split('\n').Where(l => !l.Contains($"\"{field}\"", StringComparison.Ordinal)));
        Assert.Equal(message, Problem(json));
    }

    [Theory]
    [InlineData("\"version\": \"0.1.0\"", "\"version\": \"1.x\"", "field 'version': '1.x' is not a SemVer 2.0 version (for example 1.2.0).")]
    [InlineData("\"id\": \"bpf-runtime\"", "\"id\": \"Bpf Runtime\"", "field 'id': 'Bpf Runtime' is not lower-case letters, digits and dashes (for example 'bpf-runtime').")]
    [InlineData("\"entryAssembly\": \"Framework.Plugins.BpfRuntime.dll\"", "\"entryAssembly\": \"../evil.dll\"", "field 'entryAssembly': '../evil.dll' must be the file name of a .dll in the plugin folder.")]
    [InlineData("\"id\": \"bpf-runtime\"", "\"id\": 7", "field 'id': must be a string, not Number.")]
    [InlineData("\"os\": [\"linux\"]", "\"os\": \"linux\"", "field 'requires.os': must be an array of strings, not String.")]
    [InlineData("\"capabilities\": [\"CAP_BPF\"]", "\"capabilities\": [\"\"]", "field 'requires.capabilities[0]': must be a non-empty string.")]
    [InlineData("\"description\": \"eBPF\"", "\"isolation\": \"Process\"", "field 'isolation': 'Process' is not 'process' or 'in-process'.")]
    [InlineData("\"description\": \"eBPF\"", "\"isolation\": \"sandbox\"", "field 'isolation': 'sandbox' is not 'process' or 'in-process'.")]
    [InlineData("\"description\": \"eBPF\"", "\"isolation\": true", "field 'isolation': must be a string, not True.")]
    public void A_wrong_field_is_named_with_what_was_expected(string from, string to, string message)
    {
        Assert.Equal($"{Path}: {message}", Problem(Valid.Replace(from, to, StringComparison.Ordinal)));
    }

    [Fact]
    public void Malformed_JSON_says_where()
    {
        Assert.StartsWith($"{Path}: is not valid JSON (line 3,", Problem("{\n \"id\": \"a\",\n \"version\" \"1\" }"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_object_is_refused()
    {
        Assert.Equal($"{Path}: must hold a JSON object, not Array.", Problem("[1,2]"));
    }

    [Fact]
    public void An_oversized_manifest_file_is_refused_without_reading_it()
    {
        var file = System.IO.Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "{\"id\":\"" + new string('a', PluginManifestReader.MaxManifestBytes) + "\"}");
            var problem = Assert.Throws<PluginManifestException>(() => PluginManifestReader.Read(file)).Message;
            Assert.Contains($"a manifest may be at most {PluginManifestReader.MaxManifestBytes}", problem, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Deep_nesting_is_refused_not_recursed()
    {
        var json = "{\"id\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        Assert.Contains("is not valid JSON", Problem(json), StringComparison.Ordinal);
    }

    [Fact]
    public void Random_mutations_and_truncations_only_ever_raise_the_manifest_error()
    {
        var random = new Random(1234);
        var original = Encoding.UTF8.GetBytes(Valid);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = original.AsSpan(0, random.Next(original.Length + 1)).ToArray();
            var flips = random.Next(4);
            for (var f = 0; f < flips && bytes.Length > 0; f++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                PluginManifestReader.Parse(Path, bytes);
            }
            catch (PluginManifestException)
            {
            }
        }
    }
}
