using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClawGroups.Data.Database;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Hosting;

/// <summary>The key ring that protects webhook secrets is stored in the database, encrypted when a certificate is configured.</summary>
[Collection(WebTestCollection.Name)]
public sealed class KeyRingProtectionTests : IDisposable
{
    private readonly string _certificate = Path.Combine(Path.GetTempPath(), $"claw-keyring-{Guid.NewGuid():N}.pfx");

    [Fact]
    public async Task With_a_certificate_the_stored_key_ring_holds_no_key_in_clear()
    {
        WriteCertificate("s3cret-pass");
        await using var app = await ClawAppFactory.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["ClawGroups:DataProtection:CertificatePath"] = _certificate,
            ["ClawGroups:DataProtection:CertificatePassword"] = "s3cret-pass",
        });

        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        var secret = protector.Protect("whsec_example");

        var stored = await KeyRingXmlAsync(app);
        Assert.Contains("encryptedSecret", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", stored, StringComparison.Ordinal);
        Assert.Equal("whsec_example", protector.Unprotect(secret));
    }

    [Fact]
    public async Task Without_one_the_key_ring_is_stored_as_it_is()
    {
        await using var app = await ClawAppFactory.StartAsync(DatabaseProvider.Sqlite);

        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("whsec_example");

        Assert.Contains("<masterKey", await KeyRingXmlAsync(app), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_path_that_does_not_exist_stops_the_app_with_a_message()
    {
        var failure = await Record.ExceptionAsync(() => ClawAppFactory.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["ClawGroups:DataProtection:CertificatePath"] = _certificate,
        }));

        Assert.Contains("does not exist", failure?.ToString() ?? "", StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_certificate);

    private static async Task<string> KeyRingXmlAsync(ClawAppFactory app)
    {
        await using var context = app.Database.NewContext();
        return string.Join("\n", await context.DataProtectionKeys.Select(k => k.Xml).ToListAsync());
    }

    private void WriteCertificate(string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Claw Groups key ring (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllBytes(_certificate, certificate.Export(X509ContentType.Pkcs12, password));
    }
}
