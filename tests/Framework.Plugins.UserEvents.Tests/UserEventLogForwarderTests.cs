using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Collector;
using Framework.Plugins.UserEvents.Groups;
using Microsoft.Extensions.Logging;

namespace Framework.Plugins.UserEvents.Tests;

public sealed class UserEventLogForwarderTests
{
    [Fact]
    public void A_received_event_becomes_a_log_record_with_its_fields_as_attributes()
    {
        var backend = new InProcessBackend(new UserEventGroupRegistry(isPerfmonCapable: true), "test");
        using var set = new UserEventSet(backend, "forward");
        var tracepoint = set.Register("req u32 id;__rel_loc char[] path");
        var logger = new CapturingLogger();
        var forwarder = new UserEventLogForwarder(logger);
        using (backend.Listen(null, "forward", forwarder.Forward))
        {
            Span<byte> buffer = stackalloc byte[64];
            var writer = tracepoint.CreateWriter(buffer);
            writer.WriteUnsigned(9);
            writer.WriteString("/a");
            Assert.True(tracepoint.Write(writer.Complete()));
        }

        var (message, scope) = Assert.Single(logger.Records);
        Assert.Equal("forward:req id=9 path=/a", message);
        Assert.Equal("forward:req", scope["user_events.tracepoint"]);
        Assert.Equal(9UL, scope["id"]);
        Assert.Equal("/a", scope["path"]);
    }

    private sealed class CapturingLogger : ILogger
    {
        private Dictionary<string, object?>? _scope;

        public List<(string Message, Dictionary<string, object?> Scope)> Records { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            _scope = state as Dictionary<string, object?>;
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Records.Add((formatter(state, exception), _scope ?? []));
    }
}
