using System.Text;
using Framework.Host.Isolation.Protocol;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Host.Tests.Isolation;

public sealed class PluginReplyTests
{
    [Fact]
    public void A_command_reply_keeps_its_tables_and_their_places_in_the_output()
    {
        var reply = new PluginReply(0, "before\nafter\n")
        {
            Tables = [new CommandTable(7, "counts", ["name", "n"], [["a", "1"], ["b", "2"]])],
        };

        var read = PluginReply.Parse(reply.ToPayload());

        var table = Assert.Single(read.Tables);
        Assert.Equal(7, table.Offset);
        Assert.Equal("counts", table.Title);
        Assert.Equal(["name", "n"], table.Columns);
        Assert.Equal([["a", "1"], ["b", "2"]], table.Rows);
    }

    [Theory]
    [InlineData("""{"exitCode":0,"output":"abc","tables":[{"offset":4,"columns":[],"rows":[]}]}""", "reply table 1 lacks 'offset', or it is not between 0 and the output's length 3.")]
    [InlineData("""{"exitCode":0,"output":"abc","tables":[{"offset":2,"columns":[],"rows":[]},{"offset":1,"columns":[],"rows":[]}]}""", "reply table 2 lacks 'offset', or it is not between 2 and the output's length 3.")]
    [InlineData("""{"exitCode":0,"output":"","tables":[{"offset":0,"columns":[1],"rows":[]}]}""", "reply table 1 lacks 'columns' (strings) or 'rows' (arrays of strings).")]
    [InlineData("""{"exitCode":0,"output":"","tables":[{"offset":0,"columns":["a"],"rows":[["x"],[2]]}]}""", "reply table 1, row 2, is not an array of strings.")]
    public void A_table_out_of_place_or_malformed_is_a_protocol_error_naming_it(string json, string message)
    {
        var error = Assert.Throws<ProtocolException>(() => PluginReply.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Health_results_survive_the_trip_check_by_check()
    {
        var written = HealthDescription.Write(new Dictionary<string, HealthCheckResult>
        {
            ["disk"] = HealthCheckResult.Degraded("almost full"),
            ["ok"] = HealthCheckResult.Healthy(),
        });

        var read = HealthDescription.Read(written);

        Assert.Equal(HealthStatus.Degraded, read["disk"].Status);
        Assert.Equal("almost full", read["disk"].Description);
        Assert.Equal(HealthStatus.Healthy, read["ok"].Status);
    }

    [Theory]
    [InlineData("""[]""", "the health description is not a JSON object.")]
    [InlineData("""{"disk":{"status":"Sick"}}""", "health check 'disk' in the health description lacks a 'status' of Healthy, Degraded or Unhealthy.")]
    [InlineData("""{"disk":{"status":"7"}}""", "health check 'disk' in the health description lacks a 'status' of Healthy, Degraded or Unhealthy.")]
    public void A_malformed_health_description_is_a_protocol_error_naming_the_check(string json, string message) =>
        Assert.Equal(message, Assert.Throws<ProtocolException>(() => HealthDescription.Read(json)).Message);
}
