using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Domain.Sessions;
using Microsoft.Extensions.Primitives;

namespace EventApi.Api.Features.Sessions.Committing;

/// <summary>A command on an existing session, as its request gave it, waiting for a <see cref="SessionWriter"/> group.</summary>
/// <param name="Id">The session.</param>
/// <param name="Token">The bearer token the request carried.</param>
/// <param name="Key">The request's idempotency key, if it sent one.</param>
/// <param name="IfMatch">The request's If-Match header values (none: act on any version).</param>
/// <param name="Decide">The command, given the time it is decided at.</param>
public sealed record PendingCommand(Guid Id, string Token, IdempotencyKey? Key, StringValues IfMatch,
    Func<DateTimeOffset, SessionCommand> Decide)
{
    internal TaskCompletionSource<CommandAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What a command's request answers: the result, and the ETag to send with it, if any.</summary>
public sealed record CommandAnswer(IResult Result, string? ETag = null);
