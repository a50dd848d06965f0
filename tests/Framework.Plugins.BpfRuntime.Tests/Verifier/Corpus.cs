using Framework.Plugins.BpfRuntime.Elf;
using Framework.Tests.Shared;

namespace Framework.Plugins.BpfRuntime.Tests.Verifier;

/// <summary>The clang-compiled sample programs (Verifier/Corpus/*.c, built at test time with
/// <c>clang -g -O2 -target bpf -c</c>).</summary>
internal static class Corpus
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Verifier", "Corpus");

    public static IEnumerable<object[]> Sources() =>
        Directory.GetFiles(Folder, "*.c").Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(f => new object[] { f! });

    public static BpfElfObject Build(string file) => BpfElfObject.Parse(Bytes(file));

    /// <summary>The object file clang makes of <paramref name="file"/>.</summary>
    public static byte[] Bytes(string file) => Compile(File.ReadAllText(Path.Combine(Folder, file)));

    /// <summary>The object file clang makes of C <paramref name="source"/> that includes bpf_defs.h.</summary>
    public static byte[] Compile(string source)
    {
        var header = File.ReadAllText(Path.Combine(Folder, "bpf_defs.h"));
        return Clang.CompileBpf(source.Replace("#include \"bpf_defs.h\"", header, StringComparison.Ordinal));
    }
}
