using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace EventApi.Api.Infrastructure;

/// <summary>The items of a list of strings are the JSON names of <see cref="EnumType"/>'s values (in the OpenAPI document).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemsAreAttribute(Type enumType) : Attribute
{
    public Type EnumType { get; } = enumType;
}

/// <summary>A text query parameter holds one of the JSON names of <see cref="EnumType"/>'s values (in the OpenAPI
/// document); the endpoint checks it, so that any other text is a validation problem naming the parameter.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class EnumNamesAttribute(Type enumType) : Attribute
{
    public Type EnumType { get; } = enumType;
}

/// <summary>
/// What a generated client needs to trust the document's schemas:
/// <list type="bullet">
/// <item>A request's <c>[Required]</c> properties are required and not nullable. (Request types keep nullable
/// properties so that a missing field is a validation error naming it, not a binding error.)</item>
/// <item>Every property of a response is required: the API always writes it, null where it is nullable.</item>
/// <item>A list marked <see cref="ItemsAreAttribute"/> holds that enum's names, and so does a parameter marked <see cref="EnumNamesAttribute"/>.</item>
/// </list>
/// </summary>
public sealed class ContractSchemaConventions : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete) return;

        if (context.MemberInfo?.GetCustomAttribute<ItemsAreAttribute>() is { } items)
            concrete.Items = context.SchemaGenerator.GenerateSchema(items.EnumType, context.SchemaRepository);
        if (context.ParameterInfo?.GetCustomAttribute<EnumNamesAttribute>() is { } names)
            concrete.Enum = context.SchemaGenerator.GenerateSchema(names.EnumType, context.SchemaRepository) is OpenApiSchemaReference { Reference.Id: { } id }
                ? context.SchemaRepository.Schemas[id].Enum
                : null;

        if (concrete.Properties is not { Count: > 0 } properties || !IsOurs(context.Type)) return;

        concrete.Required ??= new HashSet<string>();
        if (IsRequest(context.Type))
        {
            foreach (var property in context.Type.GetProperties().Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null))
            {
                var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                if (properties.TryGetValue(name, out var member) && member is OpenApiSchema described && described.Type is { } type)
                {
                    described.Type = type & ~JsonSchemaType.Null;
                    concrete.Required.Add(name);
                }
            }
        }
        else
        {
            foreach (var name in properties.Keys) concrete.Required.Add(name);
        }
    }

    private static bool IsOurs(Type type) => type.Namespace?.StartsWith("EventApi.", StringComparison.Ordinal) == true;

    private static bool IsRequest(Type type) => type.Name.EndsWith("Request", StringComparison.Ordinal);
}

/// <summary>
/// The problem schemas as this API writes them: every member it always sends is required, and the extensions some
/// problems carry are typed (a generated client reads <c>moveIndex</c> as an integer, not as "any").
/// </summary>
public sealed class ProblemSchemaConventions : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        if (document.Components?.Schemas is not { } schemas) return;
        schemas["ProblemDetails"] = Problem();

        // One schema for every problem: a validation problem is a problem with errors, and a client that catches
        // problems must catch it too (generators make unrelated classes of two copies, and flatten an allOf into a third).
        var operations = document.Paths?.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()) ?? [];
        foreach (var media in operations.SelectMany(o => o.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>())
                     .SelectMany(r => r.Content?.Values ?? Enumerable.Empty<IOpenApiMediaType>()).OfType<OpenApiMediaType>())
        {
            if (media.Schema is OpenApiSchemaReference { Reference.Id: "HttpValidationProblemDetails" })
                media.Schema = new OpenApiSchemaReference("ProblemDetails", document);
        }

        schemas.Remove("HttpValidationProblemDetails");
    }

    private static OpenApiSchema Problem()
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("The problem's stable type, a URN such as urn:eventapi:problem:session-not-found. Branch on this."),
            ["title"] = Text("A short summary of the problem type."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
            ["detail"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "What went wrong with this request, in a sentence.",
                // Kiota makes it the message of the exception it throws for a problem.
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-ms-primary-error-message"] = new JsonNodeExtension(JsonValue.Create(true)) },
            },
            ["instance"] = Text("The request's path."),
            ["traceId"] = Text("The request's trace id, to find it in the server's logs."),
        };
        foreach (var (name, schema) in Extensions()) properties[name] = schema;
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem. Its type is stable; the extensions below appear with the types they name (null or absent otherwise).",
            Properties = properties,
            Required = new HashSet<string> { "type", "title", "status", "detail", "instance", "traceId" },
        };
    }

    /// <summary>The extensions some problem types carry (null or absent in the others).</summary>
    private static Dictionary<string, IOpenApiSchema> Extensions() => new()
    {
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "validation-failed: the messages of each failing field, by its JSON path (player, moves[3]).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["moveIndex"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32", Minimum = "0",
                Description = "move-changes-nothing, session-not-active, claim-rejected: the index of the refused move (null in a claim rejected only for its score).",
            },
            ["currentVersion"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int64", Minimum = "1",
                Description = "version-mismatch, version-out-of-range: the session's current stream version.",
            },
            ["claimId"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "uuid", Description = "claim-rejected: the recorded claim." },
            ["reason"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String | JsonSchemaType.Null,
                Enum = [.. new[] { "move-changes-nothing", "game-already-over", "score-mismatch" }.Select(r => (System.Text.Json.Nodes.JsonNode)r)],
                Description = "claim-rejected: why the replay refuted the claim.",
            },
            ["replayedScore"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32", Minimum = "0", Description = "claim-rejected: the score the replay reached.",
            },
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
