using Npgsql;

namespace EventApi.Bench.Harness;

/// <summary>
/// A database of the bench's own (<c>eventapi_bench_&lt;mode&gt;_&lt;time&gt;</c>) on the server of the connection string,
/// created for one measurement mode and dropped at the end, and the server settings the report records.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private static readonly string[] SettingNames =
        ["server_version", "synchronous_commit", "fsync", "full_page_writes", "shared_buffers", "max_connections", "default_toast_compression"];

    private readonly string _serverConnection;

    private BenchDatabase(string serverConnection, string name, string connection, NpgsqlDataSource raw,
        IReadOnlyDictionary<string, string> settings)
    {
        _serverConnection = serverConnection;
        Name = name;
        ConnectionString = connection;
        Raw = raw;
        Settings = settings;
    }

    public string Name { get; }

    /// <summary>The connection string of the bench's database.</summary>
    public string ConnectionString { get; }

    /// <summary>A plain Npgsql data source on the bench's database, for the baselines.</summary>
    public NpgsqlDataSource Raw { get; }

    /// <summary><c>SHOW</c> of the settings the report records (<c>synchronous_commit</c>, <c>fsync</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public static async Task<BenchDatabase> CreateAsync(string serverConnection, string mode)
    {
        var builder = new NpgsqlConnectionStringBuilder(serverConnection);
        var name = $"eventapi_bench_{mode.Replace('-', '_')}_{DateTime.UtcNow:yyyyMMddHHmmss}";
        await using (var admin = NpgsqlDataSource.Create(serverConnection))
        {
            await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        }

        builder.Database = name;
        var connection = builder.ConnectionString;
        Console.WriteLine($"Database {name} created on {builder.Host}:{builder.Port}.");
        var raw = NpgsqlDataSource.Create(connection);
        var settings = new Dictionary<string, string>();
        foreach (var setting in SettingNames)
        {
            await using var command = raw.CreateCommand($"SHOW {setting}");
            settings[setting] = (string)(await command.ExecuteScalarAsync())!;
        }

        Console.WriteLine(string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}")));
        return new BenchDatabase(serverConnection, name, connection, raw, settings);
    }

    /// <summary>One line for the report: the server and the settings that decide what a commit costs, and how it
    /// compresses the values it moves out of line (the timeline segments).</summary>
    public string DescribeServer() =>
        $"PostgreSQL {Settings["server_version"]} on the same machine (`scripts/local-postgres.sh`): " +
        $"`synchronous_commit={Settings["synchronous_commit"]}`, `fsync={Settings["fsync"]}`, " +
        $"`full_page_writes={Settings["full_page_writes"]}`, `shared_buffers={Settings["shared_buffers"]}`, " +
        $"`max_connections={Settings["max_connections"]}`, `default_toast_compression={Settings["default_toast_compression"]}`." +
        (Settings["fsync"] == "off" || Settings["synchronous_commit"] == "off"
            ? " With durability off, the figures are CPU and round-trip costs, not disk flushes."
            : "");

    /// <summary>
    /// The PostgreSQL server's main process (the postmaster) when it runs on this machine: the parent of the backend
    /// serving a connection to this database. Null when the server is elsewhere.
    /// </summary>
    public async Task<int?> LocalServerProcessAsync()
    {
        await using var command = Raw.CreateCommand("SELECT pg_backend_pid()");
        var backend = (int)(await command.ExecuteScalarAsync())!;
        return ProcessCpu.Describe(backend) is ("postgres", var server) && ProcessCpu.Describe(server) is ("postgres", _)
            ? server
            : null;
    }

    public Task ExecuteAsync(string sql) => ExecuteAsync(Raw, sql);

    /// <summary>
    /// The baselines' table, <c>raw_events</c>: what an event store needs of a row (a sequence, the stream id and
    /// version, unique together, the type, the JSON as <c>jsonb</c> and a timestamp) and nothing more.
    /// </summary>
    public Task CreateRawEventsTableAsync() => ExecuteAsync("""
        CREATE TABLE raw_events (
            seq_id bigserial PRIMARY KEY,
            stream_id uuid NOT NULL,
            version bigint NOT NULL,
            type varchar NOT NULL,
            data jsonb NOT NULL,
            timestamp timestamptz NOT NULL DEFAULT now(),
            UNIQUE (stream_id, version))
        """);

    /// <summary>How many events the slowest async shard (a projection or a subscription, <c>name:All</c>; the progression
    /// table's other rows are the daemon's own marks) is behind the last event; 0 when every shard has them all.</summary>
    public async Task<long> EventsBehindAsync()
    {
        await using var command = Raw.CreateCommand(
            "SELECT (SELECT coalesce(max(seq_id), 0) FROM mt_events) - coalesce(min(last_seq_id), 0) " +
            "FROM mt_event_progression WHERE name LIKE '%:%'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Raw.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create(_serverConnection);
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
        Console.WriteLine($"Database {Name} dropped.");
    }
}
