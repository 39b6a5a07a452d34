using System.Text.Json;
using System.Text.Json.Serialization;
using EventApi.Api.Features.Achievements;
using EventApi.Api.Features.Challenges;
using EventApi.Api.Features.Claims;
using EventApi.Api.Features.Leaderboards;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Features.SideEffects;
using EventApi.Api.Features.Statistics;
using EventApi.Api.Infrastructure.Cluster;
using EventApi.Api.Infrastructure.Daemon;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Api.Infrastructure.RateLimiting;
using EventApi.Api.Live;
using EventApi.Api.Operations;
using FluentValidation;
using Wolverine;

namespace EventApi.Api.Infrastructure;

public static class HostSetup
{
    /// <summary>The request body limit of every endpoint that declares none of its own
    /// (<see cref="RequestBodyLimit.WithRequestSizeLimit"/>).</summary>
    public const long DefaultMaxRequestBodyBytes = 256 * 1024;

    /// <summary>The largest request body any endpoint accepts: that of <c>POST /claims</c>.</summary>
    public const long LargestRequestBodyBytes = SubmitClaimEndpoint.MaxRequestBodyBytes;

    public static WebApplicationBuilder AddEventApi(this WebApplicationBuilder builder)
    {
        // Kestrel's limit is the largest of all; the body limit middleware lowers it per request to the endpoint's.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = LargestRequestBodyBytes);

        var services = builder.Services;
        services.AddSingleton<TimeProvider>(Clock.Microseconds);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            // A number is a JSON number: "12" is not a seed.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // {"moves":["up"],"moves":["left"]} is ambiguous, not "the last one wins".
            o.SerializerOptions.AllowDuplicateProperties = false;
        });
        // Binding failures (malformed JSON, wrong types) become exceptions the problem handler turns into 400s.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddEventApiProblemDetails();
        services.AddValidatorsFromAssemblyContaining<StartSessionValidator>(ServiceLifetime.Singleton);
        // Errors are keyed by the JSON names clients sent (player, moves[3]), and each rule stops at its first failure.
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
            member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;

        services.AddEventApiMarten();
        builder.Host.UseWolverine(opts =>
        {
            // Handlers are found in this assembly, also when a test host (not this one) is the entry assembly.
            opts.ApplicationAssembly = typeof(HostSetup).Assembly;
            opts.UseRuntimeCompilation();
            opts.Policies.AutoApplyTransactions();
            opts.Policies.UseDurableLocalQueues();
            opts.ConfigureCluster(builder.Configuration);
            opts.ConfigureSideEffects(builder.Configuration);
        });

        services.AddCluster(builder.Configuration);
        services.AddIdempotency(builder.Configuration);
        services.AddSessions(builder.Configuration);
        services.AddLive(builder.Configuration);
        services.AddChallenges(builder.Configuration);
        services.AddProjections(builder.Configuration);
        services.AddEventApiRateLimiting(builder.Configuration);
        services.AddSideEffects(builder.Configuration);
        services.AddAchievements();
        services.AddOperations(builder.Configuration);
        services.AddEventApiOpenApi();
        return builder;
    }

    public static WebApplication UseEventApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // The browser client's files, before anything that concerns API requests only.
        app.UseWebClient();
        // After routing (which WebApplication adds first) and before anything binds the request: the admin key.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseRequestBodyLimit(DefaultMaxRequestBodyBytes);
        app.UseUtf8Bodies();
        app.UseEventApiOpenApi();

        app.MapSessions();
        app.MapLive();
        app.MapClaims();
        app.MapChallenges();
        app.MapStatistics();
        app.MapLeaderboards();
        app.MapAchievements();
        app.MapOperations();
        return app;
    }
}
