using Microsoft.AspNetCore.DataProtection;

namespace ClawGroups.Coordinator.Webhooks;

/// <summary>Keeps webhook secrets protected at rest (ASP.NET Core Data Protection, keys in the database).</summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("ClawGroups.WebhookSecret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
