namespace EventApi.Api.Features.Sessions.Committing;

/// <summary><c>EventApi:Sessions</c> in configuration: how commands on sessions are committed.</summary>
public sealed class SessionWriterOptions
{
    public const string Section = "EventApi:Sessions";

    /// <summary>Groups of commands one node commits at the same time, each on a pooled connection of its own.</summary>
    public int Writers { get; set; } = 4;

    /// <summary>Commands one group takes at most.</summary>
    public int MaxGroup { get; set; } = 64;
}
