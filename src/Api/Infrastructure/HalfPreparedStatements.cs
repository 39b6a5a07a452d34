using Marten;
using Npgsql;
using Polly;
using Weasel.Postgresql;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// A workaround for a bug of the driver (Npgsql 10.0.3), not of this code: a command that fails while PostgreSQL binds
/// its parameters can leave a pooled connection unusable, and the next request that runs the same SQL on it fails.
/// </summary>
/// <remarks>
/// <para>
/// With automatic preparation on (<c>Max Auto Prepare</c>, see <see cref="MartenSetup.WithAutoPrepare"/>), Npgsql
/// prepares a statement on its fifth use on a physical connection: Parse (named), Bind, Describe, Execute. It marks
/// the statement prepared as soon as PostgreSQL answers ParseComplete, but it learns the rows' description only from
/// the Describe after BindComplete. When Bind fails (a text parameter holding a NUL character, 22021; a value that
/// overflows; a division by zero folded while planning), the statement stays marked prepared with no row description.
/// Its next execution on that connection skips Parse and Describe, reads the result as if the statement returned no
/// rows, meets the first row and breaks the connection: "Received unexpected backend message DataRow", thrown as a
/// plain <see cref="Exception"/>, which Marten's read retries do not take, so the request fails. The decompiled
/// driver shows it (<c>NpgsqlDataReader.NextResult</c> sets <c>PreparedState.Prepared</c> on ParseComplete, and
/// <c>AbortPrepare</c> is only called for statements still marked preparing), and
/// <c>tests/Integration/Storage/PooledConnectionTests</c> reproduces it with Npgsql alone.
/// </para>
/// <para>
/// Marten retries the failing command itself (up to three times, on other pooled connections), so each bad request
/// can spoil several connections. So when a Marten command fails with a data exception (SQLSTATE class 22, which is
/// what bad parameter values raise at Bind), this clears the pool of Marten's data source: its idle connections are
/// closed at once, and those in use when they are returned. Such failures are rare (the API validates what it sends),
/// so the pool rarely pays for it. Turning automatic preparation off instead would lose what it saves on every command
/// (docs/benchmarks.md).
/// </para>
/// </remarks>
internal sealed class HalfPreparedStatements(StoreOptions options) : ResilienceStrategy
{
    /// <summary>Around Marten's reads and commits.</summary>
    public static void Guard(StoreOptions options)
    {
        options.ExtendPolly(pipeline => pipeline.AddStrategy(_ => new HalfPreparedStatements(options)));
        options.ExtendWritePolly(pipeline => pipeline.AddStrategy(_ => new HalfPreparedStatements(options)));
    }

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        if (outcome.Exception is { } exception && IsDataException(exception)
            && options.Tenancy.Default.Database is PostgresqlDatabase database)
        {
            database.DataSource.Clear();
        }

        return outcome;
    }

    private static bool IsDataException(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: [ '2', '2', .. ] }) return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsDataException)) return true;
        }

        return false;
    }
}
