using EventApi.Domain.Game;

namespace EventApi.Domain.Sessions;

// The first version of the events that changed shape, as streams written before sealed secrets hold them (stored
// under the type names session_started, game_over and session_abandoned). The store reads them through Upcast, so
// nothing past deserialisation ever sees these types. A first-version sealed session drew from Mulberry32 on its
// 32-bit seed, and goes on doing so: its commitment and its moves were made with it.

public sealed record SessionStartedV1(
    Guid SessionId,
    string Player,
    uint Seed,
    bool Sealed,
    string SeedCommitment,
    string? CallbackUrl,
    Tile[] Spawned,
    DateTimeOffset StartedAt,
    DateOnly? ChallengeDay = null)
{
    public SessionStarted Upcast() =>
        new(SessionId, Player, Seed, Secret: null, Sealed, SeedCommitment, CallbackUrl, Spawned, StartedAt, ChallengeDay);
}

public sealed record GameOverV1(string Player, int FinalScore, int MaxTile, int MoveCount, uint Seed, DateTimeOffset At)
{
    public GameOver Upcast() => new(Player, FinalScore, MaxTile, MoveCount, Seed, Secret: null, At);
}

public sealed record SessionAbandonedV1(string Player, int FinalScore, int MaxTile, int MoveCount, uint Seed, DateTimeOffset At)
{
    public SessionAbandoned Upcast() => new(Player, FinalScore, MaxTile, MoveCount, Seed, Secret: null, At);
}
