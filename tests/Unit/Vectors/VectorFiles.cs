using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EventApi.Testing;

namespace EventApi.Unit.Vectors;

/// <summary>
/// The checked-in test vectors that hold the C# engine and the JavaScript engine (src/Api/wwwroot/js/engine.js) to
/// each other, in tests/vectors: what they are, how they are written, and how a test compares them.
/// </summary>
internal static class VectorFiles
{
    /// <summary>Set to 1, the vector tests rewrite the files they check instead of failing.</summary>
    public const string WriteVariable = "EVENTAPI_WRITE_VECTORS";

    /// <summary>The API's JSON for what it answers: the web defaults, and enums by their camelCase names
    /// (HostSetup.AddEventApi's ConfigureHttpJsonOptions).</summary>
    public static readonly JsonSerializerOptions ApiJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>How the files are written: readable, with "+" and the like as themselves, not \u002B.</summary>
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string PathOf(string name) => Path.Combine(ApiRunner.RepositoryRoot, "tests", "vectors", name);

    /// <summary>Fails when the checked-in file differs from <paramref name="expected"/>; with
    /// <see cref="WriteVariable"/>=1, writes it instead.</summary>
    public static void ShouldMatchCheckedIn(string name, string expected)
    {
        var path = PathOf(name);
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
            return;
        }

        File.Exists(path).ShouldBeTrue($"{path} is missing: write it with {WriteVariable}=1 dotnet test tests/Unit --filter EngineVectorTests");
        var actual = File.ReadAllText(path);
        if (actual == expected) return;

        var actualLines = actual.Split('\n');
        var expectedLines = expected.Split('\n');
        var first = Enumerable.Range(0, Math.Min(actualLines.Length, expectedLines.Length))
            .FirstOrDefault(i => actualLines[i] != expectedLines[i], Math.Min(actualLines.Length, expectedLines.Length));
        throw new ShouldAssertException(
            $"{path} is not what the engine makes now (first difference at line {first + 1}). If the engine changed on " +
            $"purpose, rewrite it with {WriteVariable}=1 dotnet test tests/Unit --filter EngineVectorTests, then check " +
            "that `node --test tests/js` still passes: the JavaScript engine must change the same way.");
    }

    public static JsonNode Read(string name) => JsonNode.Parse(File.ReadAllText(PathOf(name)))!;

    /// <summary>One JSON value on one line.</summary>
    public static string Line(JsonNode? node) => node?.ToJsonString(Compact) ?? "null";

    /// <summary>An array of one item a line, indented by <paramref name="indent"/>.</summary>
    public static string Lines(IEnumerable<JsonNode> items, string indent)
    {
        var text = new StringBuilder("[\n");
        text.AppendJoin(",\n", items.Select(item => indent + "  " + Line(item)));
        return text.Append('\n').Append(indent).Append(']').ToString();
    }

    /// <summary>An object on one line but for its last member, an array of one item a line (<see cref="Lines"/>).</summary>
    public static string WithLines(JsonObject head, string name, IEnumerable<JsonNode> items, string indent) =>
        $"{Line(head)[..^1]},{Line(JsonValue.Create(name))}:{Lines(items, indent)}}}";
}
