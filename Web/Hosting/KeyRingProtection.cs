using System.Security.Cryptography.X509Certificates;
using ClawGroups.Data.Database;
using Microsoft.AspNetCore.DataProtection;

namespace ClawGroups.Web.Hosting;

/// <summary>
/// Where the data-protection key ring lives and how it is protected. The keys encrypt webhook secrets and sign-in
/// cookies; they are stored in the database so every node shares them. Stored in clear, a copy of the database
/// would carry both the encrypted secrets and the keys to open them, so production deployments encrypt the key
/// ring with a certificate kept outside the database (<c>ClawGroups:DataProtection:CertificatePath</c>).
/// </summary>
internal static class KeyRingProtection
{
    public const string SectionName = "ClawGroups:DataProtection";

    public static void AddClawDataProtection(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SectionName);
        var certificatePath = section["CertificatePath"];
        var protection = builder.Services.AddDataProtection().SetApplicationName("ClawGroups").PersistKeysToDbContext<ClawDbContext>();
        if (string.IsNullOrWhiteSpace(certificatePath))
        {
            return;
        }

        if (!File.Exists(certificatePath))
        {
            throw new InvalidOperationException(
                $"{SectionName}:CertificatePath names {certificatePath}, which does not exist. Point it at a PKCS#12 (.pfx) file with a private key.");
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, section["CertificatePassword"]);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{SectionName}:CertificatePath ({certificatePath}) has no private key; the key ring could not be read back.");
        }

        protection.ProtectKeysWithCertificate(certificate);
    }
}
