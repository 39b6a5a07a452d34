using System.Threading.Channels;
using EventApi.Api.Features.Sessions;
using EventApi.Projections.Sessions;
using JasperFx.Events;
using Marten;
using Marten.Services.BatchQuerying;

namespace EventApi.Api.Live;

/// <summary>
/// The feeds' reads, shared: the reads asked for while others are under way go to PostgreSQL together, as one Marten
/// batch query (one round trip, one pooled connection) with a statement each. Under load, when many watched sessions
/// change at once, that keeps the spectators' cost to the database small beside the moves'; when they change one at a
/// time, each read goes at once. At most <see cref="LiveOptions.MaxConcurrentReads"/> batches run at the same time, so
/// spectators never take the command path's connections.
/// </summary>
public sealed class FeedReads : IAsyncDisposable
{
    /// <summary>Reads in one batch at most.</summary>
    public const int MaxBatch = 100;

    private readonly IDocumentStore _store;
    private readonly Channel<IRead> _reads = Channel.CreateUnbounded<IRead>();
    private readonly Task[] _readers;

    public FeedReads(IDocumentStore store, int concurrency)
    {
        _store = store;
        _readers = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(ReadBatchesAsync))];
    }

    /// <summary>The events of session <paramref name="id"/> after version <paramref name="afterVersion"/>.</summary>
    public Task<IReadOnlyList<IEvent>> EventsAfterAsync(Guid id, long afterVersion, CancellationToken ct) =>
        Enqueue(query => query.Events(id, afterVersion), ct);

    /// <summary>The inline view of session <paramref name="id"/>, or null.</summary>
    public Task<SessionView?> ViewAsync(Guid id, CancellationToken ct) =>
        Enqueue(query => query.Load<SessionView>(id)!, ct)!;

    private Task<T> Enqueue<T>(Func<IBatchedQuery, Task<T>> add, CancellationToken ct)
    {
        var read = new Read<T>(add);
        if (!_reads.Writer.TryWrite(read)) throw new ObjectDisposedException(nameof(FeedReads));
        return read.Result.Task.WaitAsync(ct);
    }

    private async Task ReadBatchesAsync()
    {
        var batch = new List<IRead>(MaxBatch);
        while (await _reads.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _reads.Reader.TryRead(out var read)) batch.Add(read);
            if (batch.Count == 0) continue;
            try
            {
                await using var session = _store.QuerySession();
                var query = session.CreateBatchQuery();
                foreach (var read in batch) read.AddTo(query);
                await query.Execute();
                foreach (var read in batch) await read.CompleteAsync();
            }
            catch (Exception e)
            {
                foreach (var read in batch) read.Fail(e);
            }

            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reads.Writer.TryComplete();
        await Task.WhenAll(_readers);
    }

    private interface IRead
    {
        void AddTo(IBatchedQuery query);
        Task CompleteAsync();
        void Fail(Exception exception);
    }

    private sealed class Read<T>(Func<IBatchedQuery, Task<T>> add) : IRead
    {
        private Task<T>? _pending;

        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void AddTo(IBatchedQuery query) => _pending = add(query);

        public async Task CompleteAsync() => Result.TrySetResult(await _pending!);

        public void Fail(Exception exception) => Result.TrySetException(exception);
    }
}
