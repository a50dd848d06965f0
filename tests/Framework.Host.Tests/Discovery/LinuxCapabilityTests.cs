using Framework.Abstractions.Native;

namespace Framework.Host.Tests.Discovery;

/// <summary>The contract's capability table, which the host and the plugins (hwbp-x86, vector-transports) share.</summary>
public sealed class LinuxCapabilityTests : IDisposable
{
    private readonly string _status = Path.GetTempFileName();

    public void Dispose() => File.Delete(_status);

    [Fact]
    public void Names_are_indexed_by_bit_and_round_trip_through_BitOf()
    {
        Assert.Equal(41, LinuxCapability.Names.Count);
        for (var bit = 0; bit < LinuxCapability.Names.Count; bit++)
        {
            Assert.Equal(bit, LinuxCapability.BitOf(LinuxCapability.Names[bit]));
            Assert.Equal(LinuxCapability.Names[bit], LinuxCapability.NameOf(bit));
        }
    }

    [Theory]
    [InlineData("", -1)]
    [InlineData("CAP_", -1)]
    [InlineData("cap_sys_ptrace", 19)]
    [InlineData("SYS_PTRACE", 19)]
    [InlineData("CAP_CAP_SYS_PTRACE", -1)]
    [InlineData("CAP_SYS_PTRACEX", -1)]
    public void BitOf_takes_any_case_and_an_optional_prefix_and_nothing_else(string name, int bit) =>
        Assert.Equal(bit, LinuxCapability.BitOf(name));

    [Theory]
    [InlineData(0UL, "none")]
    [InlineData((1UL << 12) | (1UL << 13), "CAP_NET_ADMIN, CAP_NET_RAW")]
    [InlineData((1UL << 40) | (1UL << 41) | (1UL << 63), "CAP_CHECKPOINT_RESTORE, cap_41, cap_63")]
    public void Describe_names_the_bits_set_lowest_first_and_numbers_those_newer_than_the_table(ulong mask, string described) =>
        Assert.Equal(described, LinuxCapability.Describe(mask));

    [Theory]
    [InlineData(-1)]
    [InlineData(64)]
    public void NameOf_refuses_a_bit_outside_a_64_bit_set(int bit) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LinuxCapability.NameOf(bit));

    [Theory]
    [InlineData("Name:\tx\nCapEff:\t0000000000003000\n", 0x3000UL)]
    [InlineData("Name:\tx\nCapEff:\tnot-hex\n", null)]
    [InlineData("Name:\tx\n", null)]
    [InlineData("", null)]
    public void Effective_reads_CapEff_and_is_null_when_it_is_missing_or_malformed(string status, ulong? effective)
    {
        File.WriteAllText(_status, status);
        Assert.Equal(effective, LinuxCapability.Effective(_status));
    }

    [Fact]
    public void Effective_of_a_missing_status_file_is_null() =>
        Assert.Null(LinuxCapability.Effective(Path.Combine(Path.GetTempPath(), "no-such-status-" + Guid.NewGuid())));
}
