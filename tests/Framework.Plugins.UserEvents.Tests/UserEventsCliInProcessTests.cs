using Framework.Abstractions.Commands;
using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Cli;
using Framework.Plugins.UserEvents.Groups;
using Microsoft.Extensions.DependencyInjection;

namespace Framework.Plugins.UserEvents.Tests;

/// <summary>The kernel lab's CLI sequence (UserEventsKernelLabTests) against the in-process backend:
/// the same commands give the same exit codes and errnos.</summary>
public sealed class UserEventsCliInProcessTests
{
    private const string Definition = "fwlab u8 a;s16 b;u32 c;s64 d;char[8] e;__data_loc char[] f;__rel_loc char[] g;struct pt h 4";
    private readonly InProcessBackend _backend = new(new UserEventGroupRegistry(isPerfmonCapable: true), "test");
    private readonly PluginCommand _root = UserEventsCommands.Create();

    [Fact]
    public async Task Register_again_conflict_enable_bit_listen_and_delete_match_the_kernel()
    {
        Assert.Equal(0, (await Run("register", [Definition], "--persist")).Code);
        Assert.Equal(0, (await Run("register", [Definition], "--persist")).Code);
        var conflict = await Run("register", ["fwlab u64 other"]);
        Assert.Equal(1, conflict.Code);
        Assert.Contains("EADDRINUSE", conflict.Error, StringComparison.Ordinal);
        Assert.Contains("fwlab", (await Run("status", [])).Output, StringComparison.Ordinal);

        var disabled = await Run("emit", ["fwlab", "255", "-2", "7", "-9", "hi", "data", "rel", "0x01020304"]);
        Assert.Equal(1, disabled.Code);
        Assert.Contains("not enabled", disabled.Error, StringComparison.Ordinal);

        // The in-process counterpart of tracefs enable: a consumer attached as ftrace.
        var received = new List<UserEventSample>();
        using (_backend.Listen("fwlab", null, received.Add))
        {
            Assert.Equal(0, (await Run("emit", ["fwlab", "3", "4", "5", "6", "ab", "cd", "ef", "0x11223344"], "--count", "2")).Code);
        }

        Assert.Equal(2, received.Count);
        Assert.Equal("user_events:fwlab cpu=-1 pid=" + Environment.ProcessId + " a=3 b=4 c=5 d=6 e=ab f=cd g=ef h=11223344", UserEventsCommands.FormatSample(received[0]));
        Assert.Equal(1, (await Run("emit", ["fwlab", "1", "1", "1", "1", "a", "b", "c", "0x00000000"])).Code);

        Assert.Equal(0, (await Run("delete", ["fwlab"])).Code);
        var again = await Run("delete", ["fwlab"]);
        Assert.Equal(1, again.Code);
        Assert.Contains("ENOENT", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_definitions_and_values_are_usage_errors_naming_the_field()
    {
        var error = await Assert.ThrowsAsync<CommandUsageException>(() => Run("register", ["e long x"]));
        Assert.Contains("'long x'", error.Message, StringComparison.Ordinal);
        var value = await Assert.ThrowsAsync<CommandUsageException>(() => Run("emit", ["e", "300"], "--definition", "e u8 a"));
        Assert.Contains("'a'", value.Message, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Output, string Error)> Run(string verb, string[] arguments, params string[] options)
    {
        var command = _root.Subcommands.Single(c => c.Name == verb);
        var values = new Dictionary<string, IReadOnlyList<string>>();
        var positional = command.Arguments.ToList();
        for (var i = 0; i < positional.Count && i < arguments.Length; i++)
        {
            values[positional[i].Name] = positional[i].Many ? arguments[i..] : [arguments[i]];
        }

        for (var i = 0; i < options.Length; i++)
        {
            var option = command.Options.Single(o => o.Name == options[i]);
            values[option.Name] = option.IsFlag ? ["true"] : [options[++i]];
        }

        var console = new TestConsole();
        var services = new ServiceCollection().AddSingleton<IUserEventsBackend>(_backend).BuildServiceProvider();
        var code = await command.Handler!(new CommandContext(services, console, values, $"framework user-events {verb}"), CancellationToken.None);
        return (code, console.Out.ToString()!, console.Error.ToString()!);
    }

    private sealed class TestConsole : ICommandConsole
    {
        public TextWriter Out { get; } = new StringWriter();

        public TextWriter Error { get; } = new StringWriter();

        public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
        {
            foreach (var row in rows)
            {
                Out.WriteLine(string.Join(" | ", row));
            }
        }

        public IProgressReporter StartProgress(string description, long total) => throw new NotSupportedException();
    }
}
