using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Infrastructure;

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
/// Lets a request through only with <c>X-Admin-Key</c> equal to the configured key: no key is 401, a wrong one 403,
/// and when the server has no key configured every request is 403 (the admin endpoints are off). Neither key is
/// ever logged or echoed.
/// </summary>
public sealed class AdminKeyFilter(AdminKey key) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!key.IsConfigured)
        {
            return Refuse(Problems.Create(StatusCodes.Status403Forbidden, ProblemTypes.AdminDisabled, "Admin endpoints disabled",
                $"The admin key is not configured on this server: set {AdminOptions.Setting} to enable the admin endpoints."));
        }

        var values = context.HttpContext.Request.Headers[AdminKey.Header];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = $"AdminKey header=\"{AdminKey.Header}\"";
            return Refuse(Problems.Create(StatusCodes.Status401Unauthorized, ProblemTypes.MissingAdminKey, "Admin key required",
                values.Count == 0 ? $"Send the admin key in the {AdminKey.Header} header." : $"Send exactly one {AdminKey.Header} header."));
        }

        if (!key.Matches(values[0]!))
        {
            return Refuse(Problems.Create(StatusCodes.Status403Forbidden, ProblemTypes.InvalidAdminKey, "Invalid admin key",
                $"The {AdminKey.Header} header does not hold this server's admin key."));
        }

        return next(context);
    }

    private static ValueTask<object?> Refuse(IResult problem) => ValueTask.FromResult<object?>(problem);
}

public static class AdminKeySetup
{
    public static IServiceCollection AddAdminKey(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>()
            .Configure(o => o.Key = configuration[AdminOptions.Setting])
            .Validate(o => string.IsNullOrEmpty(o.Key) || o.Key.Length >= AdminOptions.MinKeyLength,
                $"{AdminOptions.Setting} must be at least {AdminOptions.MinKeyLength} characters when it is set " +
                "(scripts/run-api.sh makes one in .local/ for development).")
            .ValidateOnStart();
        services.AddSingleton<AdminKey>();
        return services;
    }

    /// <summary>Every endpoint of the group needs the admin key (401 without it, 403 with a wrong one).</summary>
    public static RouteGroupBuilder RequireAdminKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<AdminKeyFilter>();
        group.WithMetadata(AdminKeyRequirement.Instance);
        group.ProducesProblem(StatusCodes.Status401Unauthorized);
        group.ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }
}
