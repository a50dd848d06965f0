using System.Globalization;
using Framework.Abstractions.Commands;
using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Collector;
using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.EventHeader;
using Framework.Plugins.UserEvents.Groups;
using Framework.Plugins.UserEvents.Payload;
using Framework.Plugins.UserEvents.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Framework.Plugins.UserEvents.Cli;

/// <summary>
/// The <c>user-events</c> verb: <c>status</c>, <c>register "&lt;definition&gt;"</c>,
/// <c>emit &lt;name&gt; &lt;values&gt;</c>, <c>listen [&lt;name&gt;|&lt;provider&gt;]</c> and
/// <c>delete &lt;name&gt;</c>, on whichever backend is active. Definition and value errors exit with
/// 2 and name the field; refusals by the backend exit with 1 and carry its errno.
/// </summary>
public static class UserEventsCommands
{
    /// <summary>Builds the verb with its sub-commands.</summary>
    public static PluginCommand Create()
    {
        var root = new PluginCommand("user-events", "Linux user_events tracepoints: status, register, emit, listen, delete.");
        root.Subcommands.Add(Status());
        root.Subcommands.Add(Register());
        root.Subcommands.Add(Emit());
        root.Subcommands.Add(Listen());
        root.Subcommands.Add(Delete());
        return root;
    }

    private static PluginOption GroupOption() => new("--group", "The group (tracing system); default: the root group, user_events. The kernel backend serves the root group only (EOPNOTSUPP for another).");

    private static PluginCommand Status()
    {
        var command = new PluginCommand("status", "Which backend is active and why, and the group's registered events.");
        command.Options.Add(GroupOption());
        command.Handler = (context, cancellationToken) => Run(context, () =>
        {
            var backend = Backend(context);
            var group = Group(context);
            context.Console.Out.WriteLine($"backend: {backend.Name} ({backend.Reason})");
            var events = backend.ListEvents(group);
            context.Console.WriteTable(
                $"events in {group ?? "user_events"}",
                ["system", "tracepoint", "fields", "used by"],
                events.Select(e => (IReadOnlyList<string>)[e.System, e.TracepointName, string.Join("; ", e.Definition.Fields.Select(f => f.Describe())), e.UsedBy]));
            context.Console.Out.Write(backend.ReadStatus(group));
            return 0;
        });
        return command;
    }

    private static PluginCommand Register()
    {
        var command = new PluginCommand("register", "Register an event: \"name type field;type field...\" (the user_events command grammar).");
        command.Arguments.Add(new PluginArgument("definition", "e.g. \"request u32 id;__rel_loc char[] path\""));
        command.Options.Add(new PluginOption("--persist", "USER_EVENT_REG_PERSIST: keep the event after this command exits (needs CAP_PERFMON); delete it with 'delete'.", IsFlag: true));
        command.Options.Add(new PluginOption("--multi-format", "USER_EVENT_REG_MULTI_FORMAT: allow other formats of the same name (tracepoint name.<id> in <system>_multi).", IsFlag: true));
        command.Options.Add(GroupOption());
        command.Handler = (context, cancellationToken) => Run(context, () =>
        {
            var text = context.GetArgument("definition")!;
            if (!UserEventCommandParser.TryParse(text, out _, out var error))
            {
                throw new CommandUsageException($"{context.CommandPath}: {error.Message} ({error.Errno})");
            }

            var flags = (context.HasFlag("--persist") ? UserEventRegisterFlags.Persist : UserEventRegisterFlags.None)
                | (context.HasFlag("--multi-format") ? UserEventRegisterFlags.MultiFormat : UserEventRegisterFlags.None);
            var backend = Backend(context);
            using var set = new UserEventSet(backend, Group(context), Metrics(context));
            var tracepoint = set.Register(text, flags);
            var registration = tracepoint.Registration;
            context.Console.Out.WriteLine($"registered {registration.System}:{registration.TracepointName} (write index {registration.WriteIndex}, {registration.Definition.PayloadSize} bytes of fixed fields) on the {backend.Name} backend");
            WriteFields(context, registration.Definition);
            if (!flags.HasFlag(UserEventRegisterFlags.Persist))
            {
                context.Console.Error.WriteLine(backend.Name == "kernel"
                    ? "note: without --persist the event goes away when this command exits (its last reference closes)."
                    : "note: the in-process backend's events live inside this process only.");
            }

            return 0;
        });
        return command;
    }

    private static PluginCommand Emit()
    {
        var command = new PluginCommand("emit", "Write an event with the given field values (integers, text, or 0x hex bytes for structs and byte arrays).");
        command.Arguments.Add(new PluginArgument("name", "The event's name (its fields come from tracefs, or from --definition)."));
        command.Arguments.Add(new PluginArgument("values", "One value per field, in order.", Required: false, Many: true));
        command.Options.Add(new PluginOption("--definition", "The event's definition, when it is not registered yet (required on the in-process backend)."));
        command.Options.Add(new PluginOption("--count", "Write it this many times, 1 to 1000000000 (default 1).", DefaultValue: "1"));
        command.Options.Add(new PluginOption("--attach", "In-process backend: attach a listener first (as enabling the event would) and print what it receives.", IsFlag: true));
        command.Options.Add(GroupOption());
        command.Handler = (context, cancellationToken) => Run(context, () =>
        {
            var name = context.GetArgument("name")!;
            var values = context.GetArguments("values");
            var count = context.GetInt64("--count", 1, 1, 1_000_000_000);

            var backend = Backend(context);
            var group = Group(context);
            var definitionText = context.GetOption("--definition") ?? backend.ListEvents(group)
                .FirstOrDefault(e => e.TracepointName == name)?.Definition.Describe()
                ?? throw NotRegistered(context, backend, name);
            if (!UserEventCommandParser.TryParse(definitionText, out var definition, out var parseError))
            {
                throw new CommandUsageException($"{context.CommandPath}: --definition: {parseError.Message} ({parseError.Errno})");
            }

            if (definition!.Name != name)
            {
                throw new CommandUsageException($"{context.CommandPath}: the definition names '{definition.Name}', not '{name}'.");
            }

            using var set = new UserEventSet(backend, group, Metrics(context));
            var tracepoint = set.Register(definitionText);
            if (!UserEventTextEncoder.TryEncode(tracepoint.Definition, values, tracepoint.Registration.WriteIndex, out var write, out var encodeError))
            {
                throw new CommandUsageException($"{context.CommandPath}: {encodeError.Message} ({encodeError.Errno})");
            }

            using var listener = context.HasFlag("--attach") && backend is InProcessBackend
                ? backend.Listen(tracepoint.Registration.TracepointName, group, sample => context.Console.Out.WriteLine(FormatSample(sample)))
                : null;
            var written = 0L;
            for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
            {
                if (tracepoint.IsEnabled && tracepoint.Write(write))
                {
                    written++;
                }
            }

            var where = $"{tracepoint.Registration.System}:{tracepoint.Registration.TracepointName}";
            if (written == 0)
            {
                context.Console.Error.WriteLine($"{where} is not enabled (nothing is attached): 0 of {count} written. Enable it (tracefs events/{tracepoint.Registration.System}/{tracepoint.Registration.TracepointName}/enable, perf record -e {where}, or listen) first.");
                return 1;
            }

            context.Console.Out.WriteLine($"{written} of {count} written to {where} ({write.Length} bytes each) on the {backend.Name} backend");
            return written == count ? 0 : 1;
        });
        return command;
    }

    private static PluginCommand Listen()
    {
        var command = new PluginCommand("listen", "Print the group's events live as they are written: kernel backend through perf rings, in-process through its consumer.");
        command.Arguments.Add(new PluginArgument("filter", "A tracepoint name, an EventHeader provider (its Provider_L*K* tracepoints), or nothing for all.", Required: false));
        command.Options.Add(new PluginOption("--count", "Stop after this many events (at least 1; none: until stopped)."));
        command.Options.Add(new PluginOption("--duration", "Stop after this many seconds (1 to 4000000; 0 or none: until Ctrl+C)."));
        command.Options.Add(new PluginOption("--log", "Also forward each event into the host's logging (and its OpenTelemetry pipeline) as a log record with the fields as attributes.", IsFlag: true));
        command.Options.Add(GroupOption());
        command.Handler = async (context, cancellationToken) =>
        {
            var count = context.GetInt64("--count", 0, 1, long.MaxValue);
            var duration = context.GetDuration("--duration");
            IUserEventsBackend backend;
            IUserEventsListener listener;
            var received = 0L;
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var forwarder = context.HasFlag("--log")
                ? new UserEventLogForwarder((context.Services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Framework.Plugins.UserEvents.Listen"))
                : null;
            try
            {
                backend = Backend(context);
                listener = backend.Listen(context.GetArgument("filter"), Group(context), sample =>
                {
                    context.Console.Out.WriteLine(FormatSample(sample));
                    forwarder?.Forward(sample);
                    if (Interlocked.Increment(ref received) == count)
                    {
                        done.Cancel();
                    }
                });
            }
            catch (UserEventsException e)
            {
                context.Console.Error.WriteLine($"{context.CommandPath}: {e.Message}");
                return 1;
            }

            using (listener)
            {
                context.Console.Error.WriteLine($"listening on {(listener.Tracepoints.Count == 0 ? "no tracepoint (none matches)" : string.Join(", ", listener.Tracepoints))} ({backend.Name} backend); stop with Ctrl-C");
                context.Console.Out.Flush();
                if (duration is { } limit)
                {
                    done.CancelAfter(limit);
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, done.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }

            context.Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Interlocked.Read(ref received)} events received, {listener.Lost} lost"));
            return count > 0 && Interlocked.Read(ref received) < count ? 1 : 0;
        };
        return command;
    }

    private static PluginCommand Delete()
    {
        var command = new PluginCommand("delete", "Delete an event that nothing references (DIAG_IOCSDEL).");
        command.Arguments.Add(new PluginArgument("name", "The event's name."));
        command.Options.Add(GroupOption());
        command.Handler = (context, cancellationToken) => Run(context, () =>
        {
            var backend = Backend(context);
            using var file = backend.Open(Group(context));
            file.Delete(context.GetArgument("name")!);
            context.Console.Out.WriteLine($"deleted {file.SystemName}:{context.GetArgument("name")}");
            return 0;
        });
        return command;
    }

    /// <summary>One line per sample: <c>system:tracepoint cpu=N pid=N field=value ...</c>, EventHeader events decoded.</summary>
    public static string FormatSample(UserEventSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var head = string.Create(CultureInfo.InvariantCulture, $"{sample.System}:{sample.TracepointName} cpu={sample.Cpu} pid={sample.Pid}");
        if (EventHeaderTracepointName.TryParse(sample.TracepointName, out _)
            && EventHeaderDecoder.TryDecode(sample.Payload, out var decoded, out _))
        {
            return $"{head} {decoded!}";
        }

        var values = sample.Decode(out var error);
        return values is null ? $"{head} undecodable: {error}" : $"{head} {string.Join(' ', values)}";
    }

    private static void WriteFields(CommandContext context, UserEventDefinition definition) =>
        context.Console.WriteTable(
            null,
            ["field", "type", "offset", "size", "signed"],
            definition.Fields.Select(f => (IReadOnlyList<string>)[f.Name, f.Type, f.RecordOffset.ToString(CultureInfo.InvariantCulture), f.Size.ToString(CultureInfo.InvariantCulture), f.IsSigned ? "yes" : "no"]));

    // The group is checked where it is read, so that every command refuses a name the kernel would
    // (EINVAL from the registry) as a usage error, before a backend is opened or a table printed.
    private static string? Group(CommandContext context)
    {
        var group = context.GetOption("--group");
        return group is null || UserEventGroupRegistry.IsValidSystemName(group)
            ? group
            : throw new CommandUsageException($"{context.CommandPath}: --group '{group}': a group (tracing system) name is 1 to 64 characters of A-Z, a-z, 0-9 and _.");
    }

    // On the in-process backend nothing outlives a command, so --definition is part of the command
    // line (a usage error without it); on the kernel's, the event not being registered is the state
    // of the system at run time.
    private static Exception NotRegistered(CommandContext context, IUserEventsBackend backend, string name) =>
        backend is InProcessBackend
            ? new CommandUsageException($"{context.CommandPath}: the {backend.Name} backend keeps no events between commands; give '{name}' its --definition.")
            : new CommandFailedException($"{context.CommandPath}: no event '{name}' is registered on the {backend.Name} backend; register it first or give its --definition.");

    private static IUserEventsBackend Backend(CommandContext context) =>
        context.Services.GetService<IUserEventsBackend>() ?? UserEventsServices.Backend(context.Services);

    private static UserEventsMetrics? Metrics(CommandContext context) => context.Services.GetService<UserEventsMetrics>();

    private static Task<int> Run(CommandContext context, Func<int> body)
    {
        try
        {
            return Task.FromResult(body());
        }
        catch (UserEventsException e)
        {
            context.Console.Error.WriteLine($"{context.CommandPath}: {e.Message}");
            return Task.FromResult(1);
        }
    }
}
