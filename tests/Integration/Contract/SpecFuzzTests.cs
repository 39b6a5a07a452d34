using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;
using Marten;
using Xunit.Abstractions;

namespace EventApi.Integration.Contract;

/// <summary>
/// A fuzzer driven by the served OpenAPI document: for every operation it sends malformed bodies, wrong types,
/// boundary and huge numbers, control and non-ASCII characters, bad ids and garbage headers. Every answer must be
/// one the document lists (the contract client checks status and body), never a 5xx, a problem when it is a 4xx, and
/// no request may append anything.
/// </summary>
public sealed class SpecFuzzTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    private const string ProblemPrefix = "urn:eventapi:problem:";

    [Fact]
    public async Task every_operation_answers_malformed_input_with_a_documented_problem_and_appends_nothing()
    {
        // A session whose start leaves one direction that moves nothing: the moves every fuzzed request carries, so
        // that even a request whose garbage were let through would append nothing.
        var (seed, idle) = Enumerable.Range(1, 1000).Select(s => (Seed: (uint)s, Idle: IdleDirection((uint)s))).First(s => s.Idle is not null);
        var session = await Client.StartAsync("fuzz", seed);
        var before = await EventCountAsync();
        var context = new FuzzContext(session.Id, session.Token, idle!);
        var failures = new List<string>();
        var sent = 0;

        foreach (var operation in Api.Contract.Operations)
        {
            foreach (var fuzzed in Fuzz.RequestsFor(operation, context))
            {
                sent++;
                if (await SendAsync(operation, fuzzed) is { } failure) failures.Add(failure);
            }
        }

        output.WriteLine($"{sent} requests over {Api.Contract.Operations.Count()} operations, {failures.Count} failures.");
        failures.ShouldBeEmpty(string.Join("\n\n", failures.Take(30)));
        (await EventCountAsync()).ShouldBe(before);
        (await Client.GetSessionAsync(session.Id)).Version.ShouldBe(1);
    }

    private async Task<string?> SendAsync(OpenApiContract.Operation operation, FuzzedRequest fuzzed)
    {
        using var request = fuzzed.Build();
        try
        {
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            // A live stream opened (its opening is checked by the contract handler): it never ends by itself, so it is
            // closed here unread.
            if (response.Content.Headers.ContentType?.MediaType == OpenApiContract.EventStream)
                return fuzzed.MustFail ? $"{fuzzed}: {status} (a stream), but the input is malformed." : null;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500) return $"{fuzzed}: {status} {body}";
            if (status < 400 && fuzzed.MustFail) return $"{fuzzed}: {status}, but the input is malformed. {body}";
            if (status >= 400 && status != 405)
            {
                if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    return $"{fuzzed}: {status} as {response.Content.Headers.ContentType}, not a problem.";
                var type = JsonNode.Parse(body)?["type"]?.GetValue<string>();
                if (type is null || !type.StartsWith(ProblemPrefix, StringComparison.Ordinal))
                    return $"{fuzzed}: {status} problem of type {type ?? "(none)"}.";
            }

            return null;
        }
        catch (ContractViolationException violation)
        {
            return $"{fuzzed}: {violation.Message}";
        }
    }

    private static string? IdleDirection(uint seed)
    {
        var start = Engine.Start(seed, out _, out _).Board;
        foreach (var direction in Enum.GetValues<Direction>())
        {
            if (!Moves.MovesSomething(start, direction)) return Moves.NameOf(direction);
        }

        return null;
    }

    private async Task<int> EventCountAsync()
    {
        await using var query = Api.Store.QuerySession();
        return await query.Events.QueryAllRawEvents().CountAsync();
    }
}

/// <summary>What valid requests need: a session to aim at, its token, and the admin key.</summary>
public sealed record FuzzContext(Guid SessionId, string Token, string IdleMove);

/// <summary>One request the fuzzer sends.</summary>
public sealed record FuzzedRequest(string Method, string Path, string What, bool MustFail, byte[]? Body = null,
    string? ContentType = "application/json", IReadOnlyList<(string Name, string Value)>? Headers = null)
{
    public HttpRequestMessage Build()
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), Path);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }

        foreach (var (name, value) in Headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public override string ToString() => $"{Method} {(Path.Length > 120 ? Path[..120] + "…" : Path)} ({What})";
}

public static class Fuzz
{
    private static readonly string HugeDigits = new('9', 400);

    /// <summary>Values that no id, player, day or projection name can be. (No %00: Kestrel refuses a NUL in a path
    /// with a 400 before the app sees it, and the in-memory test server cannot even build such a request.)</summary>
    private static readonly string[] BadPathValues =
    [
        "not-a-guid", "00000000-0000-0000-0000-000000000000", "%0A", "%E2%80%AE", "%C3%B1", "%FF%FE",
        new string('9', 300), "..%2F..", "%20", "' OR 1=1 --", "%7B%7D",
    ];

    private static readonly string[] BadQueryValues =
    [
        "abc", "-1", "0", "99999999999999999999", "1.5", "1e400", "%00", "%0D%0A", "%C3%B1", "%FF", new string('x', 3000),
        "", "true", "[]", "2026-13-45", "2026-11-30T25:61:00Z",
    ];

    /// <summary>JSON values no property of this API accepts when they replace a valid one (see <see cref="Accepts"/>).</summary>
    private static readonly string[] BadJsonValues =
    [
        "1", "-1", "1.5", "1e400", HugeDigits, "-" + HugeDigits, "9223372036854775808", "\"12\"", "\"\"", "\"\\u0000\"",
        "\"\\ud800\"", "\"bad\\u0001name\"", JsonSerializer.Serialize(new string('a', 100_000)), "true", "null", "{}",
        "[]", "[null]", "[1]", "[\"\\u0000\"]", "[\"sideways\"]", "[{}]", "{\"a\":1}",
    ];

    private static readonly string[] BadBodies =
    [
        "", "null", "[]", "\"x\"", "{", "{}}", "{\"a\":", "not json", "{'player':'x'}", "\u0000", "{\"\u0000\":1}",
        new string('[', 2000) + new string(']', 2000), "{\"a\":" + new string('[', 70) + new string(']', 70) + "}",
    ];

    public static IEnumerable<FuzzedRequest> RequestsFor(OpenApiContract.Operation operation, FuzzContext context)
    {
        var path = ValidPath(operation.Template, context);
        var auth = Auth(operation, context);
        var mutates = operation.Method != "GET";
        var body = operation.Json["requestBody"]?["content"]?["application/json"]?["schema"];
        var valid = body is null ? null : ValidBody(operation.Contract.Resolve(body), context);

        foreach (var (name, _) in PathParameters(operation.Template))
        {
            // An id that is no GUID names nothing; a player's name is any text, and a read of one nobody uses may be empty.
            var isGuid = operation.Json["parameters"]?.AsArray().Any(p => (string?)p!["name"] == name && (string?)p["schema"]?["format"] == "uuid") ?? false;
            foreach (var bad in BadPathValues)
            {
                yield return new FuzzedRequest(operation.Method, path.Replace(Placeholder(name, context, operation.Template), bad),
                    $"path {name}={bad}", MustFail: mutates || isGuid, Encode(valid), Headers: auth);
            }
        }

        foreach (var parameter in (operation.Json["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "query"))
        {
            var name = (string)parameter!["name"]!;
            foreach (var bad in BadQueryValues)
            {
                yield return new FuzzedRequest(operation.Method, $"{path}?{name}={bad}", $"query {name}={Short(bad)}",
                    MustFail: mutates && !IsAdmin(operation), Encode(valid), Headers: auth);
            }
        }

        foreach (var header in Garbage(operation, auth, valid is not null))
            yield return new FuzzedRequest(operation.Method, path, header.What, MustFail: mutates, Encode(valid), header.ContentType, header.Headers);

        if (valid is null) yield break;

        foreach (var bad in BadBodies)
            yield return new FuzzedRequest(operation.Method, path, $"body {Short(bad)}", MustFail: true, Encoding.UTF8.GetBytes(bad), Headers: auth);
        yield return new FuzzedRequest(operation.Method, path, "body in invalid UTF-8", MustFail: true, [0x7B, 0xFF, 0xFE, 0x7D], Headers: auth);

        var schema = operation.Contract.Resolve(body!);
        foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
        {
            var resolved = operation.Contract.Resolve(propertySchema!);
            foreach (var bad in BadJsonValues.Where(v => !Accepts(resolved, schema, property, v)))
            {
                var mutated = valid.DeepClone().AsObject();
                mutated[property] = JsonNode.Parse(bad);
                yield return new FuzzedRequest(operation.Method, path, $"{property}={Short(bad)}", MustFail: true,
                    Encoding.UTF8.GetBytes(mutated.ToJsonString()), Headers: auth);
            }

            var text = valid.ToJsonString();
            var duplicated = text[..^1] + $",\"{property}\":{valid[property]?.ToJsonString() ?? "null"}}}";
            yield return new FuzzedRequest(operation.Method, path, $"{property} given twice", MustFail: true, Encoding.UTF8.GetBytes(duplicated), Headers: auth);
        }

        var unknown = valid.DeepClone().AsObject();
        unknown["zzz"] = 1;
        yield return new FuzzedRequest(operation.Method, path, "an unknown property", MustFail: true, Encoding.UTF8.GetBytes(unknown.ToJsonString()), Headers: auth);
    }

    /// <summary>Whether <paramref name="json"/> could be a valid value of the property: such values are not sent, or the
    /// request would do what a valid one does.</summary>
    private static bool Accepts(JsonObject property, JsonObject owner, string name, string json)
    {
        var value = JsonNode.Parse(json);
        var required = owner["required"]?.AsArray().Any(r => (string?)r == name) ?? false;
        if (value is null) return !required;
        var type = (string?)property["type"];
        return (type, value.GetValueKind()) switch
        {
            // Integers in range are valid; this API's integer properties have ranges the validators hold.
            ("integer", JsonValueKind.Number) => json.All(c => char.IsDigit(c) || c == '-') && json.Length < 10 && !json.StartsWith('-'),
            ("string", JsonValueKind.String) => value.GetValue<string>() is { Length: > 0 and < 1000 } s && s.All(c => !char.IsControl(c) && !char.IsSurrogate(c)),
            _ => false,
        };
    }

    private static JsonObject ValidBody(JsonObject schema, FuzzContext context)
    {
        var body = new JsonObject();
        foreach (var (name, _) in schema["properties"]?.AsObject() ?? [])
        {
            body[name] = name switch
            {
                "player" => "fuzz",
                "seed" => 1,
                "moves" => new JsonArray(context.IdleMove),
                "claimedScore" => 0,
                _ => null,
            };
        }

        return body;
    }

    private static IEnumerable<(string What, string? ContentType, IReadOnlyList<(string, string)> Headers)> Garbage(
        OpenApiContract.Operation operation, IReadOnlyList<(string, string)> auth, bool hasBody)
    {
        foreach (var accept in new[] { "text/html", "application/xml", "image/*" })
            yield return ($"Accept: {accept}", "application/json", [.. auth, ("Accept", accept)]);

        var security = operation.Json["security"]?.AsArray().SelectMany(s => s!.AsObject().Select(p => p.Key)).ToList() ?? [];
        if (security.Contains("bearer"))
        {
            foreach (var authorization in new[] { "Bearer", "Bearer ", "Basic YWxhZGRpbjpvcGVu", "Bearer " + new string('t', 5000), "Bearer \u00e9t\u00e9", "Bearer wrong-token-of-no-session" })
                yield return ($"Authorization: {Short(authorization)}", "application/json", [("Authorization", authorization)]);
        }

        if (security.Contains("adminKey"))
        {
            foreach (var key in new[] { "wrong", new string('k', 5000), "\u00e9" })
                yield return ($"X-Admin-Key: {Short(key)}", "application/json", [("X-Admin-Key", key)]);
        }

        foreach (var parameter in (operation.Json["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "header"))
        {
            var name = (string)parameter!["name"]!;
            // (No empty value: the client leaves an empty header out, and a request without it is a valid one.)
            foreach (var value in new[] { "garbage", "W/\"1\"", "\"abc\"", new string('k', 300), "\u00e9\u00e9", "\"1\", garbage", "\t" })
                yield return ($"{name}: {Short(value)}", "application/json", [.. auth, (name, value)]);
        }

        if (!hasBody) yield break;
        foreach (var contentType in new[] { "text/plain", "application/xml", "application/json; charset=bogus", "application/json; charset=utf-16", "multipart/form-data" })
            yield return ($"Content-Type: {contentType}", contentType, auth);
        yield return ("no Content-Type", null, auth);
    }

    private static IReadOnlyList<(string, string)> Auth(OpenApiContract.Operation operation, FuzzContext context)
    {
        var security = operation.Json["security"]?.AsArray().SelectMany(s => s!.AsObject().Select(p => p.Key)).ToList() ?? [];
        if (security.Contains("bearer")) return [("Authorization", $"Bearer {context.Token}")];
        if (security.Contains("adminKey")) return [("X-Admin-Key", ApiFactory.AdminKey)];
        return [];
    }

    private static bool IsAdmin(OpenApiContract.Operation operation) => operation.Template.StartsWith("/admin/", StringComparison.Ordinal);

    private static IEnumerable<(string Name, int Index)> PathParameters(string template) =>
        template.Split('/').Select((segment, index) => (segment, index))
            .Where(s => s.segment.StartsWith('{')).Select(s => (s.segment.Trim('{', '}'), s.index));

    /// <summary>The operation's path with a valid value for each parameter (one that never starts a rebuild).</summary>
    private static string ValidPath(string template, FuzzContext context)
    {
        var path = template;
        foreach (var (name, _) in PathParameters(template)) path = path.Replace($"{{{name}}}", Placeholder(name, context, template));
        return path;
    }

    private static string Placeholder(string name, FuzzContext context, string template) => name switch
    {
        "id" when template.StartsWith("/sessions", StringComparison.Ordinal) => context.SessionId.ToString(),
        "id" when template.StartsWith("/claims", StringComparison.Ordinal) => "0195f1c4-7b3e-7d2a-8c51-3e8f9a6b7d21",
        "id" => "0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10:2:webhook",
        "player" => "fuzz",
        "day" => "2026-11-22",
        "name" => "no-such-projection",
        _ => "x",
    };

    private static byte[]? Encode(JsonObject? body) => body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString());

    private static string Short(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
