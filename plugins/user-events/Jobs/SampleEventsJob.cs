using Framework.Abstractions;
using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Cli;
using Framework.Plugins.UserEvents.EventHeader;
using Framework.Plugins.UserEvents.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.UserEvents.Jobs;

/// <summary>
/// The bundled job: a group with two sample events (a plain one with every kind of field, and an
/// EventHeader one), a listener attached to the group, the events emitted through whichever backend
/// is active, and a report of what the listener decoded, with the backend and why.
/// </summary>
public static class SampleEventsJob
{
    /// <summary>The job's name.</summary>
    public const string Name = "sample-events";

    /// <summary>The plain sample event.</summary>
    public const string RequestEvent = "framework_request u32 id;s64 elapsed_ns;char[8] method;__rel_loc char[] path";

    /// <summary>Creates the job.</summary>
    public static PluginJob Create() => new(
        Name,
        "Registers sample events in a group, listens to them, emits them through the active backend and logs what was received.",
        async (services, cancellationToken) => await RunAsync(services, cancellationToken));

    /// <summary>Runs the job; returns the lines the listener printed.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetService<IOptions<UserEventsOptions>>()?.Value.Sample ?? new SampleEventsOptions();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Framework.Plugins.UserEvents.Sample") ?? NullLogger.Instance;
        var backend = services.GetService<IUserEventsBackend>() ?? UserEventsServices.Backend(services);

        // The kernel serves only the root group; the in-process backend gives the sample a group of its own.
        var group = backend is KernelBackend ? null : options.Group;
        var received = new List<string>();
        string status;
        var provider = new EventHeaderTracepointName("FrameworkSample", 4, 1);
        using var set = new UserEventSet(backend, group, services.GetService<UserEventsMetrics>());
        var request = set.Register(RequestEvent);
        var headerEvent = set.Register(provider.Command);
        using (var listener = backend.Listen(null, group, sample =>
        {
            lock (received)
            {
                received.Add(UserEventsCommands.FormatSample(sample));
            }
        }))
        {
            logger.LogInformation("user-events sample: {Backend} backend ({Reason}); listening on {Tracepoints}", backend.Name, backend.Reason, string.Join(", ", listener.Tracepoints));
            await WaitUntilEnabledAsync([request, headerEvent], listener, backend, group, cancellationToken);
            var builder = new EventHeaderBuilder();
            Span<byte> buffer = stackalloc byte[512];
            for (var i = 0; i < options.Count; i++)
            {
                if (request.IsEnabled)
                {
                    var writer = request.CreateWriter(buffer);
                    writer.WriteUnsigned((ulong)i);
                    writer.WriteSigned(1000L * (i + 1));
                    writer.WriteString("GET");
                    writer.WriteString($"/sample/{i}");
                    request.Write(writer.Complete());
                }

                if (headerEvent.IsEnabled)
                {
                    builder.Reset("SampleTick", 4).AddUInt32("sequence", (uint)i).AddString("message", "sample EventHeader event").AddFloat64("ratio", i / 2.0);
                    var body = builder.Build();
                    var write = new byte[4 + body.Length];
                    BitConverter.TryWriteBytes(write, headerEvent.Registration.WriteIndex);
                    body.CopyTo(write.AsSpan(4));
                    headerEvent.Write(write);
                }
            }

            // The kernel collector reads its rings on its own thread; give it until every event arrived.
            var expected = options.Count * 2;
            for (var wait = 0; wait < 50 && Count(received) < expected; wait++)
            {
                await Task.Delay(20, cancellationToken);
            }

            // Read while the listener is attached, so that the status says who uses the events.
            status = backend.ReadStatus(group);
        }

        foreach (var line in received)
        {
            logger.LogInformation("user-events sample received: {Line}", line);
        }

        logger.LogInformation("user-events sample: {Received} of {Expected} events received through the {Backend} backend; status of {Group}:\n{Status}", received.Count, options.Count * 2, backend.Name, group ?? "user_events", status);
        if (received.Count < options.Count * 2)
        {
            throw new UserEventsException($"the sample listener received {received.Count} of {options.Count * 2} events");
        }

        return received;
    }

    // The listener's attach makes the kernel set each event's enable bit in our memory, but where
    // the word's page cannot be written right then (a fault) the kernel sets it later from a work
    // queue. Emitting before that would skip the event without a trace; so the job waits for every
    // bit, and an event that is not listened to or never enabled fails the job by name.
    private static async Task WaitUntilEnabledAsync(UserEventTracepoint[] events, IUserEventsListener listener, IUserEventsBackend backend, string? group, CancellationToken cancellationToken)
    {
        var notListened = events.Select(e => $"{e.Registration.System}:{e.Registration.TracepointName}").Except(listener.Tracepoints, StringComparer.Ordinal).ToArray();
        if (notListened.Length > 0)
        {
            throw new UserEventsException(UserEventsErrno.ENOENT, $"the sample listener does not listen to {string.Join(", ", notListened)} although it was registered; status of {group ?? "user_events"}:\n{backend.ReadStatus(group)}");
        }

        for (var wait = 0; wait < 200 && events.Any(e => !e.IsEnabled); wait++)
        {
            await Task.Delay(10, cancellationToken);
        }

        var disabled = events.Where(e => !e.IsEnabled).Select(e => e.Registration.TracepointName).ToArray();
        if (disabled.Length > 0)
        {
            throw new UserEventsException(UserEventsErrno.EBADF, $"the enable bit of {string.Join(", ", disabled)} was still clear 2 s after the listener attached; status of {group ?? "user_events"}:\n{backend.ReadStatus(group)}");
        }
    }

    private static int Count(List<string> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }
}
