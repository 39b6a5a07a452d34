using System.Data.Common;
using EventApi.Api.Features.Achievements;
using EventApi.Api.Features.Claims;
using EventApi.Api.Features.Leaderboards;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Features.Sessions.Archiving;
using EventApi.Api.Features.SideEffects;
using EventApi.Api.Features.Statistics;
using EventApi.Api.Infrastructure.Daemon;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Api.Live;
using JasperFx;
using JasperFx.Events;
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
        services.AddSingleton<DatabaseOutage>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseOutage>());
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
                options.UseEventStoreSettings(connectionString);
                // With archiving on, mt_streams and mt_events are partitioned by is_archived: archiving a finished session
                // (SessionArchiver) moves its rows to the archive partitions, so the live partitions, which every append,
                // read and daemon poll touches, keep the live sessions only. Off by default: the partitions cost every
                // append (docs/benchmarks.md). An existing store is converted at its first start with it on
                // (PartitioningUpgrade), and cannot go back.
                options.Events.UseArchivedStreamPartitioning = ArchivingOptions.IsEnabled(configuration);
                options.Events.TimeProvider = sp.GetRequiredService<TimeProvider>();
                // Marten's own category, without the stack traces of the failures its callers expect (a lost race,
                // PostgreSQL out of reach).
                options.Logger(new OperatorMartenLogger(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Marten.IDocumentStore"),
                    sp.GetRequiredService<DatabaseOutage>()));
                // The daemon looks for new events every 100 ms while they keep coming and every 250 ms otherwise (Marten's
                // defaults: 250 ms and 1 s). The slow interval is also its wait whenever an earlier append is still in
                // flight (a gap in the sequence), which under load made most of the side-effects subscription's lag.
                options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
                options.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250);
                options.ApplyProjectionErrorPolicy(sp.GetRequiredService<IOptions<ProjectionsOptions>>().Value.OnApplyError);
                // A session keeps the one connection it opened until it is disposed: a command reads (one batch) and
                // appends (one transaction) on it. Marten's default takes a pooled connection per operation, so every
                // command took two, and PostgreSQL ran Npgsql's seven-statement reset of a returned connection twice.
                options.UseStickyConnectionLifetimes = true;

                options.ConfigureSessions();
                options.ConfigureLive();
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
            // No Marten-side daemon mode: Wolverine's node agents run the daemon, one agent per async shard, spread
            // evenly over the live nodes and moved off a node that stops or goes quiet (ClusterSetup).
            .IntegrateWithWolverine(wolverine => wolverine.UseWolverineManagedEventSubscriptionDistribution = true);
        // Before Marten's own start-up work, which applies the schema (Marten puts it first of the hosted services).
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, PartitioningUpgrade>());
        return services;
    }

    /// <summary>
    /// The connection, serializer and event store settings every store of this product uses, without its documents,
    /// projections and daemon (the benchmarks build their stores with these).
    /// </summary>
    public static StoreOptions UseEventStoreSettings(this StoreOptions options, string connectionString)
    {
        options.Connection(WithClientChecks(WithAutoPrepare(connectionString)));
        HalfPreparedStatements.Guard(options);
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;

        // Events carry their own times from the command, and every append stamps the command's time on its events
        // (EventTimes.StampedAt), so the store's timestamps are the times the API showed and time travel by them is
        // exact. Marten 9's default append mode, QuickWithServerTimestamps, writes the timestamp set on each event
        // (despite its name: its documentation says they come from .NET's TimeProvider); plain Quick would write the
        // database server's now() instead.
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        // Should Marten's daemon take advisory locks of its own (it does in its Solo and HotCold modes; here Wolverine's
        // agents run it and it takes none), the original DistributedLock.Postgres behind the forwarding package needs
        // them transaction-scoped (docs/operations.md, "The local package folder").
        options.Events.UseAdvisoryLockTransaction = true;
        // The node running a shard records its status and failure in the progression table on every change,
        // so any node can report it (GET /admin/projections, /health/ready).
        options.Events.EnableExtendedProgressionTracking = true;
        return options;
    }

    /// <summary>How often PostgreSQL checks, during a long query, that the client is still there (milliseconds).</summary>
    public const int ClientConnectionCheckMilliseconds = 1000;

    /// <summary>
    /// The connection string with PostgreSQL's <c>client_connection_check_interval</c> set (PostgreSQL 14 and later),
    /// unless it sends server options of its own.
    /// </summary>
    /// <remarks>
    /// PostgreSQL otherwise notices that a client has gone only when it next writes to it, so a statement of a process
    /// that died in its middle (SIGKILL, a crash) runs on to its end, holding its locks, for nobody. With the check it ends
    /// within a second of the client going. (Marten's own daemon coordination held each shard's lock in such a statement,
    /// a long <c>pg_sleep</c>, and a killed node's shards stayed locked 40 to 60 s; Wolverine's agents run the shards now.)
    /// </remarks>
    public static string WithClientChecks(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.Keys.Cast<string>().Any(key => key.Equals("Options", StringComparison.OrdinalIgnoreCase))) return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString)
        {
            Options = $"-c client_connection_check_interval={ClientConnectionCheckMilliseconds}",
        }.ConnectionString;
    }

    /// <summary>The statements a pooled connection keeps prepared unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The connection string with Npgsql's automatic preparation on (<c>Max Auto Prepare</c>), unless it sets that itself.
    /// </summary>
    /// <remarks>
    /// Without prepared statements, Npgsql resets a pooled connection with <c>DISCARD ALL</c> each time it goes back to
    /// the pool, and that drops every cached plan, the plans of Marten's PL/pgSQL functions included
    /// (<c>mt_quick_append_events</c>, the <c>mt_upsert_*</c> of inline projections): every command re-planned them. With
    /// some statements prepared, Npgsql resets with the same statements minus the plan and statement discards (advisory
    /// locks are still released, settings reset, temporary tables dropped). docs/benchmarks.md has the measurement.
    /// </remarks>
    public static string WithAutoPrepare(string connectionString)
    {
        // NpgsqlConnectionStringBuilder.ContainsKey answers for every keyword it knows, set or not: read the keys as given.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var setsItself = given.Keys.Cast<string>()
            .Any(key => key.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
        return setsItself
            ? connectionString
            : new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = DefaultMaxAutoPrepare }.ConnectionString;
    }
}
