using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Kernel;

namespace Framework.Plugins.UserEvents.Tests;

public sealed class TracefsEventFormatTests
{
    private const string Format = """
        name: fwlab
        ID: 1734
        format:
        	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
        	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
        	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
        	field:int common_pid;	offset:4;	size:4;	signed:1;

        	field:u8 a;	offset:8;	size:1;	signed:0;
        	field:char e[];	offset:9;	size:8;	signed:1;
        	field:char k[4];	offset:17;	size:4;	signed:1;
        	field:__data_loc char[] f;	offset:21;	size:4;	signed:1;
        	field:__rel_loc char g[];	offset:25;	size:4;	signed:1;
        	field:struct pt h;	offset:29;	size:4;	signed:1;

        print fmt: "a=%u e=%s k=%s f=%s g=%s h=%llu", REC->a, REC->e, REC->k, __get_str(f), __get_rel_str(g), REC->h
        """;

    [Fact]
    public void A_user_events_format_file_turns_back_into_the_definition()
    {
        var format = TracefsEventFormat.Parse("user_events", Format, out var error);
        Assert.NotNull(format);
        Assert.Null(error);
        Assert.Equal(1734, format!.Id);
        Assert.Equal("fwlab u8 a; char[8] e; char[4] k; __data_loc char[] f; __rel_loc char[] g; struct pt h 4", format.Definition.Describe());
        Assert.Equal(1 + 8 + 4 + 4 + 4 + 4, format.Definition.PayloadSize);
    }

    [Fact]
    public void Text_that_is_not_a_format_file_is_refused()
    {
        Assert.Null(TracefsEventFormat.Parse("user_events", "hello", out var error));
        Assert.NotNull(error);
        Assert.Null(TracefsEventFormat.Parse("user_events", "name: x\nID: 1\n\tfield:long y;\toffset:8;\tsize:8;\tsigned:1;\n", out var typeError));
        Assert.Contains("long", typeError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bundled_sample_events_format_as_the_6_12_kernel_prints_it_turns_back_into_its_definition()
    {
        // Copied from the lab kernel's events/user_events/framework_request/format.
        const string text = "name: framework_request\nID: 460\nformat:\n"
            + "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
            + "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
            + "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
            + "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
            + "\tfield:u32 id;\toffset:8;\tsize:4;\tsigned:0;\n"
            + "\tfield:s64 elapsed_ns;\toffset:12;\tsize:8;\tsigned:1;\n"
            + "\tfield:char method[];\toffset:20;\tsize:8;\tsigned:1;\n"
            + "\tfield:__rel_loc char path[];\toffset:28;\tsize:4;\tsigned:1;\n\n"
            + "print fmt: \"id=%u elapsed_ns=%lld method=%s path=%s\", REC->id, REC->elapsed_ns, REC->method, __get_rel_str(path)\n";
        var format = TracefsEventFormat.Parse("user_events", text, out var error);
        Assert.True(format is not null, error);
        Assert.Equal(460, format.Id);
        Assert.Equal(["id", "elapsed_ns", "method", "path"], format.Definition.Fields.Select(f => f.Name));
    }

    [Theory]
    [InlineData("char method[7461112]", 8, "char[8] method")]
    [InlineData("char method[]", 8, "char[8] method")]
    [InlineData("char tag[0]", 16, "char[16] tag")]
    [InlineData("char tag[99999999999]", 4, "char[4] tag")]
    public void A_fixed_arrays_length_comes_from_its_size_not_from_the_length_the_kernel_prints(string declaration, int size, string expected)
    {
        // 6.12's user_events leaves the printed array length uninitialized: the lab's format file
        // once said "char method[7461112]" for the bundled char[8] field (size:8).
        var text = "name: fwlab\nID: 461\nformat:\n"
            + "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
            + $"\tfield:{declaration};\toffset:8;\tsize:{size};\tsigned:1;\n\n";
        var format = TracefsEventFormat.Parse("user_events", text, out var error);
        Assert.True(format is not null, error);
        Assert.Equal($"fwlab {expected}", format.Definition.Describe());
    }

    [Fact]
    public void ReadAll_names_every_event_whose_format_cannot_be_parsed_and_the_kernel_listener_refuses_to_leave_it_out()
    {
        var tracefs = Directory.CreateTempSubdirectory("fw-tracefs-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(tracefs, "events", "user_events", "fwlab"));
            File.WriteAllText(Path.Combine(tracefs, "events", "user_events", "fwlab", "format"), Format);
            Directory.CreateDirectory(Path.Combine(tracefs, "events", "user_events", "broken"));
            File.WriteAllText(Path.Combine(tracefs, "events", "user_events", "broken", "format"), "name: broken\nID: 2\nformat:\n\tfield:long y;\toffset:8;\tsize:8;\tsigned:1;\n");
            Directory.CreateDirectory(Path.Combine(tracefs, "events", "user_events", "gone"));

            var formats = TracefsEventFormat.ReadAll(tracefs, KernelBackend.RootSystems, out var unreadable);

            Assert.Equal(["fwlab"], formats.Select(f => f.Name));
            Assert.Equal(2, unreadable.Count);
            Assert.StartsWith("user_events:broken (", unreadable[0], StringComparison.Ordinal);
            Assert.Contains("long", unreadable[0], StringComparison.Ordinal);
            Assert.StartsWith("user_events:gone (", unreadable[1], StringComparison.Ordinal);
            Assert.Contains("does not exist", unreadable[1], StringComparison.Ordinal);

            // A listener for everything would silently never enable 'broken'; it says so instead.
            var backend = new KernelBackend(tracefs);
            var error = Assert.Throws<UserEventsException>(() => backend.Listen(null, null, _ => { }));
            Assert.Equal(UserEventsErrno.EIO, error.Errno);
            Assert.Contains("user_events:broken", error.Message, StringComparison.Ordinal);
            Assert.Contains("user_events:gone", error.Message, StringComparison.Ordinal);

        }
        finally
        {
            Directory.Delete(tracefs, recursive: true);
        }
    }
}
