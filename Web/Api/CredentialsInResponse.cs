namespace ClawGroups.Web.Api;

/// <summary>
/// Marks an endpoint whose answer carries secrets shown once (an API key, a webhook secret). The idempotency
/// filter then keeps only the status, never the body, so the secrets are not stored in clear.
/// </summary>
internal sealed class CredentialsInResponse;
