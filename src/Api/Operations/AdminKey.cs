using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using EventApi.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Operations;

/// <summary><c>EventApi:AdminKey</c> in configuration.</summary>
public sealed class AdminOptions
{
    public const string Setting = "EventApi:AdminKey";
    public const int MinKeyLength = 32;

    /// <summary>The key admin requests send in <c>X-Admin-Key</c>. Unset: the admin endpoints are disabled (403).</summary>
    public string? Key { get; set; }
}

/// <summary>The configured admin key, kept only as its SHA-256.</summary>
public sealed class AdminKey
{
    public const string Header = "X-Admin-Key";

    private readonly byte[]? _hash;

    public AdminKey(IOptions<AdminOptions> options)
    {
        var key = options.Value.Key;
        _hash = string.IsNullOrEmpty(key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    public bool IsConfigured => _hash is not null;

    /// <summary>Compares hashes in constant time, so neither the key's length nor its prefix leaks through timing.</summary>
    public bool Matches(string candidate) =>
        _hash is not null && CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));
}

/// <summary>Marks an endpoint as one that needs the admin key (for its OpenAPI security requirement).</summary>
public sealed class AdminKeyRequirement
{
    public static readonly AdminKeyRequirement Instance = new();

    private AdminKeyRequirement()
    {
    }
}

/// <summary>
/// The <c>X-Admin-Key</c> authentication scheme: a request is authenticated only with <c>X-Admin-Key</c> equal to the
/// configured key. The admin group's authorization policy requires it, and the authorization middleware runs before
/// the endpoint binds or validates anything, so a request without the key is refused whatever its route and query
/// values. No key is 401; a wrong one 403; and when the server has no key configured every request is 403 (the admin
/// endpoints are off). Neither key is ever logged or echoed.
/// </summary>
public sealed class AdminKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, AdminKey key) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AdminKey";

    private enum Refusal
    {
        None,
        Disabled,
        Missing,
        NotOne,
        Invalid,
    }

    private Refusal _refusal;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[AdminKey.Header];
        _refusal = !key.IsConfigured ? Refusal.Disabled
            : values.Count == 0 ? Refusal.Missing
            : values.Count != 1 || string.IsNullOrEmpty(values[0]) ? Refusal.NotOne
            : !key.Matches(values[0]!) ? Refusal.Invalid
            : Refusal.None;
        if (_refusal != Refusal.None) return Task.FromResult(AuthenticateResult.Fail($"Admin key refused: {_refusal}."));

        var principal = new ClaimsPrincipal(new ClaimsIdentity(SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>Every refused request comes here (the policy only asks for an authenticated request): 401 without a
    /// key, 403 for a wrong one or while the admin endpoints are off.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync();
        switch (_refusal)
        {
            case Refusal.Disabled:
                await AdminKeyProblems.Disabled().ExecuteAsync(Context);
                break;
            case Refusal.Missing or Refusal.NotOne:
                Response.Headers.WWWAuthenticate = $"AdminKey header=\"{AdminKey.Header}\"";
                await AdminKeyProblems.Missing(moreThanOne: _refusal == Refusal.NotOne).ExecuteAsync(Context);
                break;
            default:
                await HandleForbiddenAsync(properties);
                break;
        }
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AdminKeyProblems.Invalid().ExecuteAsync(Context);
}

/// <summary>The answers of a refused admin request. Neither key is ever echoed.</summary>
public static class AdminKeyProblems
{
    public static ProblemHttpResult Disabled() =>
        Problems.Create(StatusCodes.Status403Forbidden, ProblemTypes.AdminDisabled, "Admin endpoints disabled",
            $"The admin key is not configured on this server: set {AdminOptions.Setting} to enable the admin endpoints.");

    public static ProblemHttpResult Missing(bool moreThanOne) =>
        Problems.Create(StatusCodes.Status401Unauthorized, ProblemTypes.MissingAdminKey, "Admin key required",
            moreThanOne ? $"Send exactly one {AdminKey.Header} header." : $"Send the admin key in the {AdminKey.Header} header.");

    public static ProblemHttpResult Invalid() =>
        Problems.Create(StatusCodes.Status403Forbidden, ProblemTypes.InvalidAdminKey, "Invalid admin key",
            $"The {AdminKey.Header} header does not hold this server's admin key.");
}

public static class AdminKeySetup
{
    /// <summary>The authorization policy of the admin endpoints: a request authenticated by the admin key.</summary>
    public const string Policy = "admin-key";

    public static IServiceCollection AddAdminKey(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>()
            .Configure(o => o.Key = configuration[AdminOptions.Setting])
            .Validate(o => string.IsNullOrEmpty(o.Key) || o.Key.Length >= AdminOptions.MinKeyLength,
                $"{AdminOptions.Setting} must be at least {AdminOptions.MinKeyLength} characters when it is set " +
                "(scripts/run-api.sh makes one in .local/ for development).")
            .ValidateOnStart();
        services.AddSingleton<AdminKey>();
        // No default scheme, not even the only one there is (ASP.NET's documented switch): the authentication
        // middleware then authenticates no request by itself, and only the admin endpoints' policy runs the handler.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(AdminKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy =>
            policy.AddAuthenticationSchemes(AdminKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Every endpoint of the group needs the admin key (401 without it, 403 with a wrong one), checked before
    /// anything of the request is bound.</summary>
    public static RouteGroupBuilder RequireAdminKey(this RouteGroupBuilder group)
    {
        group.RequireAuthorization(Policy);
        group.WithMetadata(AdminKeyRequirement.Instance);
        group.ProducesProblem(StatusCodes.Status401Unauthorized);
        group.ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }
}
