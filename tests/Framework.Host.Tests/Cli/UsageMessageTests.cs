using Framework.Host.Cli;

namespace Framework.Host.Tests.Cli;

public sealed class UsageMessageTests
{
    [Theory]
    [InlineData("vector send", "vector send: spec: option 'dst' is missing", "framework vector send: spec: option 'dst' is missing")]
    [InlineData("sample greet", "name: 'nobody' cannot be greeted.", "framework sample greet: name: 'nobody' cannot be greeted.")]
    [InlineData("vector send", "vector sender: not this command's prefix", "framework vector send: vector sender: not this command's prefix")]
    [InlineData("bpf", "bpf run: a deeper path is not this command's", "framework bpf: bpf run: a deeper path is not this command's")]
    [InlineData("", "no command", "framework : no command")]
    public void The_command_path_is_said_once(string path, string message, string expected) =>
        Assert.Equal(expected, UsageMessage.Format(path, message));
}
