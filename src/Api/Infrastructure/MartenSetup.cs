using EventApi.Api.Features.Achievements;
using EventApi.Api.Features.Claims;
using EventApi.Api.Features.Leaderboards;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Features.SideEffects;
using EventApi.Api.Features.Statistics;
using EventApi.Api.Infrastructure.Daemon;
using EventApi.Api.Infrastructure.Idempotency;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Weasel.Core;
using Wolverine.Marten;

namespace EventApi.Api.Infrastructure;

public static class MartenSetup
{
    public const string ConnectionStringName = "Postgres";

    public static IServiceCollection AddEventApiMarten(this IServiceCollection services)
    {
        services.AddMarten(sp =>
            {
                var configuration = sp.GetRequiredService<IConfiguration>();
                var connectionString = configuration.GetConnectionString(ConnectionStringName);
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        $"ConnectionStrings:{ConnectionStringName} is not set. Start the API with scripts/run-api.sh, which " +
                        $"starts a local PostgreSQL, or set ConnectionStrings__{ConnectionStringName} in the environment.");
                }

                var options = new StoreOptions();
                options.Connection(WithAutoPrepare(connectionString));
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;

                // Events carry their own times from the command; Marten's timestamp is the store's record of the append.
                options.Events.StreamIdentity = StreamIdentity.AsGuid;
                // The original DistributedLock.Postgres (behind the forwarding package) needs transaction-scoped
                // advisory locks for the async daemon to take its locks (README, "The local package folder").
                options.Events.UseAdvisoryLockTransaction = true;
                // The node running a shard records its status and failure in the progression table on every change,
                // so any node can report it (GET /admin/projections, /health/ready).
                options.Events.EnableExtendedProgressionTracking = true;
                options.ApplyProjectionErrorPolicy(sp.GetRequiredService<IOptions<ProjectionsOptions>>().Value.OnApplyError);

                options.ConfigureSessions();
                options.ConfigureClaims();
                options.ConfigureIdempotency();
                options.ConfigureStatistics();
                options.ConfigureLeaderboards();
                options.ConfigureSideEffects();
                options.ConfigureAchievements();
                return options;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            // Hot/cold: one node at a time runs the async projections; another takes over if it dies.
            .AddAsyncDaemon(DaemonMode.HotCold)
            .IntegrateWithWolverine();
        return services;
    }

    /// <summary>How many statements Npgsql keeps prepared on each connection when the connection string leaves it off.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The connection string with Npgsql's automatic preparation on (<c>Max Auto Prepare</c>) when it leaves it off (0).
    /// Besides preparing the statements the API sends most, it changes how Npgsql resets a connection returned to
    /// the pool: without prepared statements it sends <c>DISCARD ALL</c>, which also drops the plans PL/pgSQL caches,
    /// so every <c>mt_quick_append_events</c> planned its statements again: 0.5 to 0.8 ms more of PostgreSQL's CPU a
    /// move in the bench's http mode (docs/benchmarks.md, "HTTP moves"). With them it resets the session all the
    /// same (<c>RESET ALL</c>, <c>CLOSE ALL</c>, <c>UNLISTEN *</c>, <c>pg_advisory_unlock_all()</c>,
    /// <c>DISCARD SEQUENCES</c>, <c>DISCARD TEMP</c>) but keeps the plans.
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        return builder.ConnectionString;
    }
}
