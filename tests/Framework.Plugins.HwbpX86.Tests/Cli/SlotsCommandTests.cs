using System.Text.Json;

namespace Framework.Plugins.HwbpX86.Tests.Cli;

[Collection(KernelSlotsCollection.Name)]
public sealed class SlotsCommandTests : IDisposable
{
    private const string Plan = """
        [{"op":"open","name":"a","cpu":0,"task":"t1","type":"w","len":8,"pinned":true},
         {"op":"open","name":"b","cpu":null,"task":"t1","type":"rw","len":4},
         {"op":"open","name":"c","cpu":null,"task":"t1","type":"x","len":1},
         {"op":"open","name":"d","cpu":null,"task":"t1","type":"w","len":2,"pinned":false},
         {"op":"open","name":"e","cpu":0,"task":"t1","type":"w","len":1},
         {"op":"modify","name":"a","type":"rw","len":4},
         {"op":"modify","name":"a","type":"r"},
         {"op":"close","name":"e"},
         {"op":"close","name":"a"},
         {"op":"open","name":"f","cpu":0,"task":null,"type":"w","len":8}]
        """;

    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task Json_output_is_the_model_result_of_each_step()
    {
        await File.WriteAllTextAsync(_file, Plan);
        var (code, console, _) = await CommandRunner.RunAsync("slots", new() { ["--plan"] = [_file], ["--json"] = ["true"] });
        Assert.Equal(0, code);
        var steps = JsonDocument.Parse(console.OutWriter.ToString()).RootElement.EnumerateArray()
            .Select(e => $"{e.GetProperty("op").GetString()} {e.GetProperty("name").GetString()} {e.GetProperty("result").GetString()}").ToList();
        Assert.Equal(
            ["open a ok", "open b ok", "open c ok", "open d ok", "open e ENOSPC", "modify a ok", "modify a EINVAL", "close e EBADF", "close a ok", "open f ok"],
            steps);
    }

    [KernelSlotsFact]
    public async Task With_kernel_each_step_shows_both_results_and_that_they_agree()
    {
        await File.WriteAllTextAsync(_file, Plan);
        var (code, console, _) = await CommandRunner.RunAsync("slots", new() { ["--plan"] = [_file], ["--json"] = ["true"], ["--kernel"] = ["true"] });
        var steps = JsonDocument.Parse(console.OutWriter.ToString()).RootElement.EnumerateArray().ToList();
        Assert.All(steps, s => Assert.True(s.GetProperty("agree").GetBoolean(), s.ToString()));
        Assert.Equal("ENOSPC", steps[4].GetProperty("kernel").GetString());
        Assert.Equal(0, code);
    }

    [KernelSlotsFact]
    public async Task Table_output_names_the_reason_of_a_refusal()
    {
        await File.WriteAllTextAsync(_file, Plan);
        var (code, console, _) = await CommandRunner.RunAsync("slots", new() { ["--plan"] = [_file], ["--kernel"] = ["true"] });
        Assert.Equal(0, code);
        var table = Assert.Single(console.Tables);
        Assert.Contains("out of debug registers", table.Rows[4][^1], StringComparison.Ordinal);
        Assert.Contains("use rw", table.Rows[6][^1], StringComparison.Ordinal);
        Assert.Contains("agree on every step", console.OutWriter.ToString(), StringComparison.Ordinal);
    }

    [KernelSlotsFact]
    public async Task Without_a_plan_it_shows_how_many_breakpoints_fit_here()
    {
        // Debug registers are a machine-wide resource: a breakpoint that another process holds for a
        // moment (the end-to-end tests' `framework run` starts the hwbp sample job) takes a slot from
        // the kernel's count. Such holders are brief, so the probe is repeated until it sees a quiet
        // machine; a wrong model disagrees every time.
        for (var attempt = 1; ; attempt++)
        {
            var (code, console, _) = await CommandRunner.RunAsync("slots", new() { ["--kernel"] = ["true"] });
            var table = Assert.Single(console.Tables);
            var quiet = code == 0 && table.Rows.All(r => r.Skip(1).SequenceEqual(["4", "4", "ENOSPC"]));
            if (quiet || attempt == 30)
            {
                Assert.Equal(0, code);
                Assert.All(table.Rows, r => Assert.Equal(["4", "4", "ENOSPC"], r.Skip(1)));
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    [Theory]
    [InlineData("[{\"op\":\"open\",\"name\":\"a\",\"type\":\"q\",\"len\":8}]", "step 1, \"type\"")]
    [InlineData("[{\"op\":\"open\",\"name\":\"a\",\"type\":\"w\"}]", "step 1, \"len\"")]
    [InlineData("[{\"op\":\"close\",\"name\":\"a\"}]", "not open")]
    [InlineData("[{\"op\":\"open\",\"name\":\"a\",\"type\":\"w\",\"len\":8},{\"op\":\"open\",\"name\":\"a\",\"type\":\"w\",\"len\":8}]", "step 2")]
    [InlineData("{\"op\":\"open\"}", "JSON array")]
    [InlineData("[{\"op\":\"open\",\"name\":\"a\",\"type\":\"w\",\"len\":8,\"cpu\":-1}]", "\"cpu\"")]
    [InlineData("[{\"op\":\"jump\",\"name\":\"a\"}]", "\"op\"")]
    [InlineData("[{\"op\":\"open\",\"name\":\"a\",\"type\":\"w\",\"len\":8,\"colour\":1}]", "unknown field")]
    [InlineData("[{\"op\":\"open\",", "not valid JSON")]
    public async Task Malformed_plan_is_a_failure_naming_the_step_and_field(string plan, string expected)
    {
        await File.WriteAllTextAsync(_file, plan);
        var (code, _, usage) = await CommandRunner.RunAsync("slots", new() { ["--plan"] = [_file] });
        Assert.Equal(1, code);
        Assert.Contains(expected, usage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_plan_file_is_a_usage_error()
    {
        var (code, _, usage) = await CommandRunner.RunAsync("slots", new() { ["--plan"] = ["/nonexistent/plan.json"] });
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/plan.json", usage, StringComparison.Ordinal);
    }
}
