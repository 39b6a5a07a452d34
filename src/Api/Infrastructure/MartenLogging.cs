using Marten;
using Marten.Services;
using Npgsql;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// Marten's command log, in the category of Marten's own (<c>Marten.IDocumentStore</c>), minus the stack traces of
/// expected failures. Marten's default logger writes every failed command at Error with its SQL, its parameters and the
/// exception's stack trace, and the caller gets the same exception and deals with it: a lost race (a unique violation
/// on the stream's version, which Marten then raises as a <c>ConcurrencyException</c>, answered 409) or PostgreSQL out
/// of reach (answered 503, and reported to <see cref="DatabaseOutage"/>) is one Debug line here. Any other failure is
/// logged as Marten logs it: at Error, with the command and the exception.
/// </summary>
public sealed partial class OperatorMartenLogger(ILogger logger, DatabaseOutage outage) : IMartenLogger, IMartenSessionLogger
{
    /// <summary>What <c>mt_quick_append_events</c> raises when the stream is not at the version the append expected.</summary>
    private const string StreamVersionMismatch = "MT003";

    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => SchemaChanged(logger, sql);

    public void LogSuccess(NpgsqlCommand command) => Succeeded(logger, command.CommandText);

    public void LogSuccess(NpgsqlBatch batch)
    {
        if (logger.IsEnabled(LogLevel.Debug)) Succeeded(logger, Sql(batch));
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) => Failed(command.CommandText, ex);

    public void LogFailure(NpgsqlBatch batch, Exception ex) =>
        Failed(Sql(batch), ex);

    public void LogFailure(Exception ex, string message)
    {
        if (IsExpected(ex)) ExpectedFailure(logger, Describe(ex));
        else FailedWithMessage(logger, ex, message);
    }

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    private void Failed(string sql, Exception ex)
    {
        if (IsExpected(ex)) ExpectedFailure(logger, Describe(ex));
        else CommandFailed(logger, ex, sql);
    }

    private bool IsExpected(Exception ex)
    {
        if (DatabaseOutage.IsUnavailable(ex))
        {
            outage.Report(ex);
            return true;
        }

        // A lost race, which the caller turns into a 409 (or retries): the stream's version taken by another append (the
        // quick append's own check, MT003, or the unique key on the stream and version), a document's unique key, or a
        // serialization failure.
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is JasperFx.ConcurrencyException
                or PostgresException { SqlState: StreamVersionMismatch or PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure })
                return true;
        }

        return false;
    }

    private static string Sql(NpgsqlBatch batch) =>
        string.Join("\n", Enumerable.Select<NpgsqlBatchCommand, string>(batch.BatchCommands, c => c.CommandText));

    private static string Describe(Exception ex)
    {
        var e = ex;
        while (e.InnerException is not null) e = e.InnerException;
        return $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed schema update SQL:\n{Sql}")]
    private static partial void SchemaChanged(ILogger logger, string sql);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Marten executed {Sql}")]
    private static partial void Succeeded(ILogger logger, string sql);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A Marten command failed as expected, the caller handles it: {Reason}")]
    private static partial void ExpectedFailure(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Marten encountered an exception executing {Sql}")]
    private static partial void CommandFailed(ILogger logger, Exception exception, string sql);

    [LoggerMessage(Level = LogLevel.Error, Message = "Marten encountered an exception: {Message}")]
    private static partial void FailedWithMessage(ILogger logger, Exception exception, string message);
}
