using EventApi.Domain.Game;
using EventApi.Domain.Sessions;

namespace EventApi.Api.Features.Sessions;

/// <summary>
/// A session's events as anyone may see them (the README has the table of who sees what). The session's owner
/// gave the callback URL, and it may hold credentials: it is never shown. A sealed session's secret is shown once the
/// session has ended, never before. Every public reader of events (<c>/events</c>, and any later live channel) goes
/// through <see cref="Data"/>.
/// </summary>
public static class PublicEvents
{
    /// <summary>The event's data as the public sees it, given the session as it is now.</summary>
    public static object Data(object data, SessionState now) => data switch
    {
        SessionStarted e => new PublicSessionStarted(e.SessionId, e.Player,
            now.SeedIsPublic ? e.Seed : null, now.SeedIsPublic ? e.Secret : null,
            e.Sealed, e.SeedCommitment, e.Spawned, e.StartedAt, e.ChallengeDay),
        _ => data,
    };
}

/// <summary><see cref="SessionStarted"/> without the owner's callback URL, and with the seed and the secret null while
/// a sealed session is active.</summary>
public sealed record PublicSessionStarted(
    Guid SessionId,
    string Player,
    uint? Seed,
    string? Secret,
    bool Sealed,
    string SeedCommitment,
    Tile[] Spawned,
    DateTimeOffset StartedAt,
    DateOnly? ChallengeDay);
