using System.Net.Sockets;
using Npgsql;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// Whether PostgreSQL is out of reach, for the operator: ONE Warning when it becomes unreachable and ONE Information
/// when it answers again, instead of a line (and a stack trace) per failed command. Fed by the failures the API already
/// sees (a request answered 503, a Marten command that failed for want of the database); once told, it probes with its
/// own connection every second until PostgreSQL answers, so the end is logged even when nothing else runs.
/// </summary>
public sealed partial class DatabaseOutage(IConfiguration configuration, TimeProvider time, ILogger<DatabaseOutage> logger)
    : BackgroundService
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _down = new(0, 1);
    private readonly Lock _gate = new();
    private DateTimeOffset? _since;

    /// <summary>When PostgreSQL became unreachable, or null while it is reachable.</summary>
    public DateTimeOffset? Since
    {
        get { lock (_gate) return _since; }
    }

    /// <summary>Whether <paramref name="exception"/> (or one of its inner exceptions) says PostgreSQL cannot be reached:
    /// a transient Npgsql failure, a socket or timeout, or the server shutting down or refusing connections.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or SocketException or TimeoutException)
                return true;
            if (e is PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" })
                return true;
        }

        return false;
    }

    /// <summary>Reports a failure; if it says PostgreSQL is out of reach and it was not already, logs the outage's start
    /// and starts probing for its end. Other failures are ignored.</summary>
    public void Report(Exception exception)
    {
        if (!IsUnavailable(exception)) return;
        var since = time.GetUtcNow();
        lock (_gate)
        {
            if (_since is not null) return;
            _since = since;
        }

        Unreachable(logger, since, Reason(exception));
        _down.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(MartenSetup.ConnectionStringName))
        {
            Pooling = false,
            Timeout = 2,
            ApplicationName = "eventapi-outage-probe",
        };
        try
        {
            while (true)
            {
                await _down.WaitAsync(stoppingToken);
                while (!await AnswersAsync(builder.ConnectionString, stoppingToken))
                    await Task.Delay(ProbeInterval, time, stoppingToken);

                DateTimeOffset since;
                lock (_gate)
                {
                    since = _since!.Value;
                    _since = null;
                }

                Reachable(logger, (time.GetUtcNow() - since).TotalSeconds);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<bool> AnswersAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The innermost message: "Connection refused", not Marten's wrapper with the SQL.</summary>
    private static string Reason(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }

    public override void Dispose()
    {
        _down.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL unreachable since {Since:O} ({Reason}); requests that need it answer 503 until it is back")]
    private static partial void Unreachable(ILogger logger, DateTimeOffset since, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL reachable again after {Seconds:0.0} s")]
    private static partial void Reachable(ILogger logger, double seconds);
}
