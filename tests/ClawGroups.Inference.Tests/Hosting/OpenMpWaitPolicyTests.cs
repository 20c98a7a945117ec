using ClawGroups.Inference.Hosting;

namespace ClawGroups.Inference.Tests.Hosting;

public sealed class OpenMpWaitPolicyTests
{
    [Fact]
    public void The_server_asks_OpenMP_to_sleep_between_regions_unless_the_operator_chose()
    {
        var before = OpenMpWaitPolicy.Current();

        var set = OpenMpWaitPolicy.PreferPassive();

        // Elsewhere than Linux the operator sets it: nothing is read or written from the process.
        Assert.Equal(OperatingSystem.IsLinux() && before is null, set);
        Assert.Equal(OperatingSystem.IsLinux() ? before ?? "PASSIVE" : null, OpenMpWaitPolicy.Current());
    }
}
