using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace EventApi.Integration.Contract;

/// <summary>
/// The served OpenAPI document as a contract: which statuses each operation may answer, and the JSON Schema of each
/// response body. OpenAPI 3.0 schemas are read as JSON Schema 2020-12 with OpenAPI's own rules: <c>nullable</c> adds
/// null to the <c>type</c> it stands beside (and to nothing else, so <c>nullable</c> in an <c>allOf</c> without a
/// type allows no null, as 3.0 says), and references to <c>#/components/schemas</c> point into <c>$defs</c>.
/// </summary>
public sealed class OpenApiContract
{
    private static readonly string[] SchemaMaps = ["properties", "patternProperties", "$defs", "dependentSchemas"];
    private static readonly string[] Subschemas = ["items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else"];
    private static readonly string[] SchemaLists = ["allOf", "anyOf", "oneOf", "prefixItems"];
    private static readonly string[] Dropped = ["nullable", "example", "xml", "externalDocs", "discriminator"];

    private readonly JsonObject _paths;
    private readonly JsonObject _defs;
    private readonly List<(Regex Pattern, string Template)> _templates;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    public OpenApiContract(JsonNode document)
    {
        Document = document;
        _paths = document["paths"]!.AsObject();
        _defs = ConvertMap(document["components"]?["schemas"]?.AsObject() ?? []);
        _templates = _paths.Select(p => (new Regex("^" + Regex.Replace(Regex.Escape(p.Key), @"\\\{[^}]+}", "[^/]+") + "$"), p.Key))
            // Literal segments win over parameters: /admin/dead-letters/replay before /admin/dead-letters/{id}.
            .OrderBy(t => t.Key.Count(c => c == '{'))
            .ToList();
    }

    public JsonNode Document { get; }

    /// <summary>Every operation of the document.</summary>
    public IEnumerable<Operation> Operations =>
        from path in _paths
        from method in path.Value!.AsObject()
        where method.Key is "get" or "post" or "put" or "patch" or "delete"
        select new Operation(this, method.Key.ToUpperInvariant(), path.Key, method.Value!.AsObject());

    /// <summary>The schema itself, or the component schema it refers to.</summary>
    public JsonObject Resolve(JsonNode schema)
    {
        var reference = schema["$ref"]?.GetValue<string>();
        return reference is null
            ? schema.AsObject()
            : Document["components"]!["schemas"]![reference["#/components/schemas/".Length..]]!.AsObject();
    }

    /// <summary>The operation a request reaches, or null when its path is not in the document (an unknown route).</summary>
    public Operation? Find(HttpMethod method, string path)
    {
        var template = _templates.FirstOrDefault(t => t.Pattern.IsMatch(path)).Template;
        if (template is null) return null;
        var operation = _paths[template]![method.Method.ToLowerInvariant()]?.AsObject();
        return operation is null ? null : new Operation(this, method.Method, template, operation);
    }

    /// <summary>Why the opening of an event stream breaks the contract: its status must be listed with
    /// <c>text/event-stream</c>. Its frames are checked one by one as they are read (<see cref="Check"/> on each frame's data).</summary>
    public IEnumerable<string> CheckEventStream(Operation operation, int status)
    {
        var responses = operation.Json["responses"]!.AsObject();
        var content = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["content"]?.AsObject();
        if (content is null || !content.ContainsKey(EventStream))
            yield return $"{operation} answered {status} with an event stream, which the document does not list for that status.";
    }

    public const string EventStream = "text/event-stream";

    /// <summary>Why this answer breaks the contract, or nothing when it keeps it.</summary>
    public IEnumerable<string> Check(Operation operation, int status, string? mediaType, string body)
    {
        var responses = operation.Json["responses"]!.AsObject();
        var response = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses["default"];
        if (response is null)
        {
            yield return $"{operation} answered {status}, which the document does not list (it lists {string.Join(", ", responses.Select(r => r.Key))}).";
            yield break;
        }

        var content = response["content"]?.AsObject();
        if (body.Length == 0)
        {
            if (content is { Count: > 0 } && status != 304)
                yield return $"{operation} answered {status} with no body; the document gives it {string.Join(", ", content.Select(c => c.Key))}.";
            yield break;
        }

        if (content is null || content.Count == 0)
        {
            yield return $"{operation} answered {status} with a body ({mediaType}); the document gives that status no content.";
            yield break;
        }

        var media = content.FirstOrDefault(c => string.Equals(c.Key, mediaType, StringComparison.OrdinalIgnoreCase));
        if (media.Value is null)
        {
            yield return $"{operation} answered {status} as {mediaType}; the document gives {string.Join(", ", content.Select(c => c.Key))}.";
            yield break;
        }

        if (media.Value["schema"] is not { } schema) yield break;
        var key = $"{operation}|{status}|{media.Key}";
        var compiled = _schemas.GetOrAdd(key, _ => Compile(schema));
        using var instance = JsonDocument.Parse(body);
        var results = compiled.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) yield break;

        var errors = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"at {d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))
            .Take(10);
        yield return $"{operation} answered {status} with a body that does not match its schema:\n  " + string.Join("\n  ", errors) +
                     $"\n  body: {(body.Length > 2000 ? body[..2000] + "…" : body)}";
    }

    private JsonSchema Compile(JsonNode schema)
    {
        var root = ConvertSchema(schema.AsObject());
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = _defs.DeepClone();
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() },
            new Uri($"https://contract.eventapi.test/{Guid.NewGuid():N}"));
    }

    private static JsonObject ConvertMap(JsonObject map)
    {
        var converted = new JsonObject();
        foreach (var (name, schema) in map) converted[name] = schema is JsonObject o ? ConvertSchema(o) : schema?.DeepClone();
        return converted;
    }

    private static JsonObject ConvertSchema(JsonObject schema)
    {
        var converted = new JsonObject();
        foreach (var (keyword, value) in schema)
        {
            if (Dropped.Contains(keyword)) continue;
            converted[keyword] = keyword switch
            {
                "$ref" => value!.GetValue<string>().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal),
                _ when SchemaMaps.Contains(keyword) && value is JsonObject map => ConvertMap(map),
                _ when Subschemas.Contains(keyword) && value is JsonObject sub => ConvertSchema(sub),
                _ when SchemaLists.Contains(keyword) && value is JsonArray list =>
                    new JsonArray([.. list.Select(s => (JsonNode?)(s is JsonObject o ? ConvertSchema(o) : s?.DeepClone()))]),
                _ => value?.DeepClone(),
            };
        }

        // OpenAPI 3.0: exclusiveMinimum/exclusiveMaximum are booleans that qualify minimum/maximum.
        foreach (var (exclusive, bound) in new[] { ("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum") })
        {
            if (converted[exclusive] is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                converted.Remove(exclusive);
                if (flag.GetValue<bool>() && converted[bound] is { } limit)
                {
                    converted.Remove(bound);
                    converted[exclusive] = limit;
                }
            }
        }

        if (schema["nullable"] is JsonValue nullable && nullable.GetValue<bool>() && converted["type"] is JsonValue type)
        {
            converted["type"] = new JsonArray(type.GetValue<string>(), "null");
            if (converted["enum"] is JsonArray values && !values.Any(v => v is null)) values.Add(null);
        }

        return converted;
    }

    /// <summary>One operation of the document.</summary>
    public sealed record Operation(OpenApiContract Contract, string Method, string Template, JsonObject Json)
    {
        public override string ToString() => $"{Method} {Template}";
    }
}
