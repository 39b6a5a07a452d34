namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// The highest event sequence of a side effect the retention sweep deleted (one document, <see cref="TheId"/>). The
/// subscription writes a side effect once, and knows it by its record; once the record is deleted, this mark is what
/// keeps a rewind or rebuild of the subscription from writing it again, and its webhook from being sent twice.
/// </summary>
/// <remarks>Every event up to the mark was processed before (its record existed to be deleted, and the subscription
/// processes events in order), so an event at or below it without a record had its record deleted.</remarks>
public sealed class SideEffectsSwept
{
    public const string TheId = "side-effects";

    public string Id { get; set; } = TheId;

    /// <summary>The highest <see cref="SideEffect.Sequence"/> deleted so far.</summary>
    public long Sequence { get; set; }
}
