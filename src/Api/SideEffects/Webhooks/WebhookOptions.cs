namespace EventApi.Api.Features.SideEffects;

/// <summary><c>EventApi:Webhooks</c> in configuration.</summary>
public sealed class WebhookOptions
{
    public const string Section = "EventApi:Webhooks";
    public const int MinSigningKeyLength = 32;

    /// <summary>The server key every session's webhook secret is derived from. Keep it out of source control;
    /// changing it changes every session's secret.</summary>
    public string SigningKey { get; set; } = "";

    /// <summary>CIDR networks webhooks may be sent to although they are internal (see <see cref="WebhookDestinations"/>):
    /// none by default. For a local receiver in development and tests, <c>127.0.0.0/8</c> and <c>::1/128</c>.</summary>
    public List<string> AllowedNetworks { get; set; } = [];
}
