namespace EventApi.Unit.Vectors;

/// <summary>
/// tests/vectors/engine-vectors.json is what the C# engine makes now: the JavaScript engine's tests (tests/js) replay
/// it, so a change to the engine that is not written there, and made in engine.js too, fails here or there.
/// </summary>
public class EngineVectorTests
{
    [Fact]
    public void the_checked_in_engine_vectors_are_what_the_engine_makes_now() =>
        VectorFiles.ShouldMatchCheckedIn(EngineVectors.FileName, EngineVectors.Write());
}
