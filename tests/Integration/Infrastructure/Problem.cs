namespace EventApi.Integration.Infrastructure;

/// <summary>A problem details body as clients read it.</summary>
public sealed record Problem(
    string Type,
    string Title,
    int Status,
    string? Detail,
    int? MoveIndex,
    long? CurrentVersion,
    Dictionary<string, string[]>? Errors,
    Guid? ClaimId = null,
    string? Reason = null,
    int? ReplayedScore = null);
