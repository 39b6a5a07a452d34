using System.Diagnostics;
using EventApi.Domain.Challenges;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace EventApi.Bench.Modes.Daemon;

/// <summary>
/// Real sessions from the decider, their events in the order concurrent players append them: up to
/// <see cref="ConcurrentSessions"/> sessions are in play at once, and each step one of them (picked at random) plays
/// one move a command, as an interactive client does. A finished session's place goes to a new one.
/// </summary>
internal sealed class Workload
{
    /// <summary>Sessions in play at once: the load interleaves their commands, as concurrent players do.</summary>
    public const int ConcurrentSessions = 200;

    public List<IEvent> Events { get; } = [];
    public List<BulkEventStreamHeader> Streams { get; } = [];
    public List<SessionView> Views { get; } = [];
    public int Over { get; private set; }
    public int Abandoned { get; private set; }
    public int Challenges { get; private set; }
    public int Milestones { get; private set; }
    public Dictionary<string, int> EventsByType { get; } = [];
    public TimeSpan Elapsed { get; private set; }

    public int Sessions => Views.Count;
    public int Active => Sessions - Over - Abandoned;

    /// <summary>The players' styles: a random legal move; the corner strategy (down, left, right, up: the first
    /// that moves), which reaches 512 and 1024; and quitters, who abandon after a few moves.</summary>
    private enum Style
    {
        Random,
        Corner,
        Quitter,
    }

    private sealed class Player(Guid id, Style style, int quitAfter)
    {
        public Guid Id { get; } = id;
        public Style Style { get; } = style;
        public int QuitAfter { get; } = quitAfter;
        public SessionState State { get; set; } = SessionState.Initial;
        public long Version { get; set; }
    }

    private static readonly Direction[] CornerOrder = [Direction.Down, Direction.Left, Direction.Right, Direction.Up];

    public static Workload Generate(DocumentStore store, int target, byte[] challengeSecret)
    {
        var watch = Stopwatch.StartNew();
        var workload = new Workload();
        var random = new Random(20261122);
        var at = new DateTimeOffset(2026, 11, 19, 0, 0, 0, TimeSpan.Zero);
        var playing = new Player?[ConcurrentSessions];
        var directions = new Direction[4];

        while (workload.Events.Count < target)
        {
            // About 0.26 s between commands: a million events span three days, so the daily statistics have days.
            at = at.AddMilliseconds(random.Next(20, 500));
            var slot = random.Next(playing.Length);
            var player = playing[slot];
            if (player is null)
            {
                playing[slot] = player = workload.Start(store, random, at, challengeSecret);
                continue;
            }

            workload.Append(store, player, NextCommand(player, random, at, directions));
            if (player.State.Status != SessionStatus.Active)
            {
                workload.Finish(player);
                playing[slot] = null;
            }
        }

        // The sessions still in play stay active, as they are when a real store is loaded.
        foreach (var player in playing.OfType<Player>()) workload.Finish(player);
        workload.Elapsed = watch.Elapsed;
        return workload;
    }

    /// <summary>The player's next command: abandoning, for a quitter who has played enough, or else its next move.</summary>
    private static SessionCommand NextCommand(Player player, Random random, DateTimeOffset at, Direction[] directions)
    {
        if (player.Style == Style.Quitter && player.State.Game.MoveCount >= player.QuitAfter)
        {
            return new AbandonSession(at);
        }

        Array.Copy(CornerOrder, directions, directions.Length);
        if (player.Style != Style.Corner) random.Shuffle(directions);
        var move = directions.First(d =>
        {
            var next = player.State.Game;
            return Engine.TryMove(ref next, d, [], out _);
        });
        return new MakeMoves([move], at);
    }

    private Player Start(DocumentStore store, Random random, DateTimeOffset at, byte[] challengeSecret)
    {
        // Mixed: a tenth play the day's challenge (its public seed), half the rest have sealed seeds; no callback
        // URLs, since webhooks would be sent.
        var id = Guid.CreateVersion7(at);
        var name = $"player-{random.Next(1000):D4}";
        var style = (Style)random.Next(3);
        var player = new Player(id, style, random.Next(5, 150));
        StartSession command;
        if (random.Next(10) == 0)
        {
            var day = DailyChallenge.DayOf(at);
            command = StartSession.Open(id, name, DailyChallenge.SeedFor(day, challengeSecret), callbackUrl: null, at, day);
            Challenges++;
        }
        else if (random.Next(2) == 0)
        {
            var secret = new byte[GameRandom.SecretBytes];
            random.NextBytes(secret);
            command = StartSession.Sealed(id, name, secret, callbackUrl: null, at);
        }
        else
        {
            command = StartSession.Open(id, name, (uint)random.NextInt64(uint.MaxValue + 1L), callbackUrl: null, at);
        }

        Append(store, player, command);
        return player;
    }

    private void Append(DocumentStore store, Player player, SessionCommand command)
    {
        var decision = SessionDecider.Decide(command, player.State);
        if (!decision.IsAccepted) throw new InvalidOperationException(decision.Rejection!.Detail);
        foreach (var data in decision.Events)
        {
            player.State = SessionDecider.Evolve(player.State, data);
            var e = store.Events.BuildEvent(data);
            e.Id = Guid.CreateVersion7(command.At);
            e.StreamId = player.Id;
            e.Version = ++player.Version;
            e.Timestamp = command.At;
            Events.Add(e);
            EventsByType[e.EventTypeName] = EventsByType.GetValueOrDefault(e.EventTypeName) + 1;
            if (data is MilestoneReached) Milestones++;
        }
    }

    private void Finish(Player player)
    {
        if (player.State.Status == SessionStatus.Over) Over++;
        if (player.State.Status == SessionStatus.Abandoned) Abandoned++;
        Streams.Add(new BulkEventStreamHeader { Id = player.Id, Version = player.Version, AggregateType = typeof(SessionView) });
        // What SessionViewProjection writes inline: the decider's fold, at the stream's version.
        Views.Add(new SessionView { Id = player.Id, Version = player.Version, State = player.State });
    }
}
