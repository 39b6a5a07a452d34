using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Marten;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// PostgreSQL advisory locks held for a transaction: a session's queue (one worker at a time across every node) and a
/// player's milestone tile (one achievement however many sessions reach it at once). The two-key form keeps them apart
/// from each other and from the daemon's single-key locks.
/// </summary>
public static class SideEffectLocks
{
    private const int SessionSpace = 0x5345_4646; // "SEFF"
    private const int AchievementSpace = 0x4143_4856; // "ACHV"

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

    /// <summary>Waits for the lock of a player's milestone tile.</summary>
    public static Task LockAchievementAsync(IDocumentSession session, string achievementId, CancellationToken ct) =>
        LockAsync(session, AchievementSpace, Key(achievementId), ct);

    private static Task LockAsync(IDocumentSession session, int space, int key, CancellationToken ct) =>
        session.AdvancedSql.QueryAsync<bool>("select true from (select pg_advisory_xact_lock(?, ?)) l", ct, space, key);

    /// <summary>32 bits of the SHA-256 of the name: two names that collide only share a lock now and then.</summary>
    private static int Key(string name) => BinaryPrimitives.ReadInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
}
