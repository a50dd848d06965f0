using BenchmarkDotNet.Running;

namespace Framework.Benchmarks;

/// <summary>Runs the benchmark suites; pass BenchmarkDotNet arguments such as --filter.</summary>
public static class BenchmarkProgram
{
    /// <summary>With this argument alone the program prints a greeting and exits before touching
    /// BenchmarkDotNet: the hello-world .NET process the host's one-shot start-up is compared with.</summary>
    public const string HelloWorldArgument = "--hello-world";

    public static void Main(string[] args)
    {
        if (args is [HelloWorldArgument])
        {
            Console.WriteLine("Hello, World!");
            return;
        }

        if (args is [Isolation.SocketEcho.Argument, var socketPath])
        {
            Isolation.SocketEcho.Serve(socketPath);
            return;
        }

        Run(args);
    }

    // Kept out of Main so that the hello-world path never loads BenchmarkDotNet.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Run(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}
