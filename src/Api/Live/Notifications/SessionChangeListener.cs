using EventApi.Api.Infrastructure;
using Npgsql;

namespace EventApi.Api.Live;

/// <summary>
/// The node's one listening connection: <c>LISTEN</c> on <see cref="SessionChangeNotifier.Channel"/>, each notification
/// handed to <see cref="LiveSessions"/>. Whichever node appended, every node hears it once the transaction commits.
/// When the connection drops it reconnects, and once listening again it wakes every watched session, whose feed reads
/// what it has not seen from the store by version: a notification lost while away loses no frame.
/// </summary>
public sealed partial class SessionChangeListener(IConfiguration configuration, LiveSessions live, ILogger<SessionChangeListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(MartenSetup.ConnectionStringName))
        {
            // Its own connection, kept out of the pool, and checked while idle so that a dead server is noticed.
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = "eventapi-live-listener",
        };

        DateTimeOffset? lostAt = null;
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Notification += (_, e) =>
                {
                    if (Guid.TryParseExact(e.Payload, "N", out var id)) live.Changed(id);
                };
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {SessionChangeNotifier.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);

                // Listening from here on: whatever was committed before, the feeds read now.
                live.ChangedAll();
                if (lostAt is { } since) Resumed(logger, (DateTimeOffset.UtcNow - since).TotalSeconds);
                else Listening(logger);
                lostAt = null;
                attempt = 0;

                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (LiveSessions.IsTransient(e))
            {
                if (lostAt is null)
                {
                    lostAt = DateTimeOffset.UtcNow;
                    Lost(logger, e.Message);
                }

                attempt++;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, attempt)));
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for session changes")]
    private static partial void Listening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live listener lost its connection ({Reason}); reconnecting, and catching up from the store when back")]
    private static partial void Lost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The live listener is back after {Seconds:0.0} s; watched sessions catch up from the store")]
    private static partial void Resumed(ILogger logger, double seconds);
}
