using Npgsql;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// How background work that runs again at its next interval (the sweeps, archiving) logs a failure: one line an operator
/// can read, at the level the failure deserves.
/// </summary>
public static class RetriedWork
{
    /// <summary>Logs that <paramref name="work"/> failed with <paramref name="e"/> and will run again in
    /// <paramref name="retryIn"/>: Information while PostgreSQL is out of reach (<see cref="DatabaseOutage"/> logs the
    /// outage itself, once), a Warning with the message for another database error or a timeout (expected now and then,
    /// and its message says enough), a Warning with the stack trace for anything else.</summary>
    public static void LogFailure(this ILogger logger, Exception e, string work, TimeSpan retryIn)
    {
        if (DatabaseOutage.IsUnavailable(e))
            logger.LogInformation("{Work} failed, PostgreSQL out of reach; will try again in {Interval}", work, retryIn);
        else if (e is NpgsqlException or TimeoutException)
            logger.LogWarning("{Work} failed ({Error}); will try again in {Interval}", work, e.Message, retryIn);
        else
            logger.LogWarning(e, "{Work} failed; will try again in {Interval}", work, retryIn);
    }
}
