using System.Runtime.InteropServices;
using ClawGroups.Inference.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClawGroups.Inference.Tests.Hosting;

public sealed class NativeMemoryTrimTests
{
    [Fact]
    public void Freed_native_memory_goes_back_to_the_system_on_Linux()
    {
        // 32 MB in blocks small enough for the heap (not each its own mapping), all freed: glibc keeps them until trimmed.
        var blocks = Enumerable.Range(0, 512).Select(_ => Marshal.AllocHGlobal(64 * 1024)).ToList();
        foreach (var block in blocks)
            Marshal.FreeHGlobal(block);

        Assert.Equal(OperatingSystem.IsLinux(), NativeMemoryTrim.TrimNow());
    }

    [Fact]
    public void The_server_trims_every_ten_seconds_by_default()
    {
        using var host = Build([]);

        Assert.Equal(10, host.Services.GetRequiredService<IOptions<InferenceOptions>>().Value.NativeTrimSeconds);
        Assert.Contains(host.Services.GetServices<IHostedService>(), service => service is NativeMemoryTrim);
    }

    [Fact]
    public void A_negative_period_fails_validation_naming_the_setting()
    {
        using var host = Build(["--ClawGroups:Inference:NativeTrimSeconds=-1"]);

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<InferenceOptions>>().Value);
        Assert.Contains("NativeTrimSeconds", failure.Message, StringComparison.Ordinal);
    }

    private static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddInference();
        return builder.Build();
    }
}
