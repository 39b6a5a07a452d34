using JasperFx.Events.Projections;
using Marten;

namespace EventApi.Api.Infrastructure;

/// <summary>How fresh an answer built by an async projection is.</summary>
public sealed record Freshness
{
    /// <summary>The projection the answer comes from.</summary>
    /// <example>statistics</example>
    public required string Projection { get; init; }

    /// <summary>The event sequence the projection has reached.</summary>
    /// <example>1200</example>
    public required long Sequence { get; init; }

    /// <summary>The store's high-water mark: the highest sequence every event up to which is committed.</summary>
    /// <example>1204</example>
    public required long HighWaterMark { get; init; }

    /// <summary>How many events the projection still has to process.</summary>
    /// <example>4</example>
    public long Lag => Math.Max(0, HighWaterMark - Sequence);
}

/// <summary>An answer built by an async projection, with how fresh it is.</summary>
public sealed record Fresh<T>(T Data, Freshness Freshness)
    where T : notnull;

public static class FreshnessReader
{
    /// <summary>The progress of <paramref name="projection"/> and the high-water mark, in one query.</summary>
    public static async Task<Freshness> ReadAsync(IDocumentStore store, string projection, CancellationToken ct)
    {
        var shard = ShardName.Compose(projection, ShardName.All, null, 1).Identity;
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        return new Freshness
        {
            Projection = projection,
            Sequence = progress.FirstOrDefault(p => p.ShardName == shard)?.Sequence ?? 0,
            HighWaterMark = progress.FirstOrDefault(p => p.ShardName == ShardState.HighWaterMark)?.Sequence ?? 0,
        };
    }
}
