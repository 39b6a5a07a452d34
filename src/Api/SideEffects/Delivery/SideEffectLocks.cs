using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Marten;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// PostgreSQL advisory locks held for a transaction: a session's queue (one worker at a time across every node), and
/// those a delivery takes for its own writes, in a key space of its own. The two-key form keeps them apart from each
/// other and from the daemon's single-key locks.
/// </summary>
public static class SideEffectLocks
{
    private const int SessionSpace = 0x5345_4646; // "SEFF"

    /// <summary>Takes the session's lock if it is free; false when another transaction holds it.</summary>
    public static async Task<bool> TryLockSessionAsync(IDocumentSession session, Guid sessionId, CancellationToken ct) =>
        (await session.AdvancedSql.QueryAsync<bool>("select pg_try_advisory_xact_lock(?, ?)", ct, SessionSpace, Key($"{sessionId:D}")))[0];

    /// <summary>Waits for the locks of these sessions, in one order (so two callers cannot deadlock). A worker holds a
    /// session's lock for one attempt at most.</summary>
    public static async Task LockSessionsAsync(IDocumentSession session, IEnumerable<Guid> sessionIds, CancellationToken ct)
    {
        foreach (var key in sessionIds.Select(id => Key($"{id:D}")).Distinct().Order())
            await LockAsync(session, SessionSpace, key, ct);
    }

    /// <summary>Waits for the lock of <paramref name="name"/> in a delivery's own key <paramref name="space"/> (any but
    /// the sessions').</summary>
    public static Task LockAsync(IDocumentSession session, int space, string name, CancellationToken ct)
    {
        if (space == SessionSpace) throw new ArgumentOutOfRangeException(nameof(space), space, "The sessions' key space is the dispatcher's own.");
        return LockAsync(session, space, Key(name), ct);
    }

    private static Task LockAsync(IDocumentSession session, int space, int key, CancellationToken ct) =>
        session.AdvancedSql.QueryAsync<bool>("select true from (select pg_advisory_xact_lock(?, ?)) l", ct, space, key);

    /// <summary>32 bits of the SHA-256 of the name: two names that collide only share a lock now and then.</summary>
    private static int Key(string name) => BinaryPrimitives.ReadInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
}
