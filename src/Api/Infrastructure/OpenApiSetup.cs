using System.Text.Json.Nodes;
using EventApi.Api.Operations;
using EventApi.Domain.Game;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace EventApi.Api.Infrastructure;

public static class OpenApiSetup
{
    public const string BearerScheme = "bearer";
    public const string AdminKeyScheme = "adminKey";

    public static IServiceCollection AddEventApiOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "EventApi",
                Version = "v1",
                Description = "Event-sourced sessions of a deterministic, seeded 2048. Every command is validated and " +
                              "appended as events to the session's stream; the session is the fold of its events. " +
                              "Errors are RFC 9457 problem details whose `type` is stable.",
                Contact = new OpenApiContact { Name = "EventApi", Url = new Uri("https://github.com/eventapi/eventapi") },
                License = new OpenApiLicense { Name = "MIT", Url = new Uri("https://opensource.org/licenses/MIT") },
            });
            foreach (var assembly in new[] { "EventApi.Api", "EventApi.Projections", "EventApi.Domain" })
                o.IncludeXmlComments(Path.Combine(AppContext.BaseDirectory, $"{assembly}.xml"));
            o.SupportNonNullableReferenceTypes();
            o.UseAllOfToExtendReferenceSchemas();
            MapTypes(o);
            AddSecuritySchemes(o);
            o.SchemaFilter<NullableReferenceConventions>();
            o.SchemaFilter<ContractSchemaConventions>();
            o.OperationFilter<OperationConventions>();
            o.DocumentFilter<ProblemSchemaConventions>();
            o.DocumentFilter<DocumentConventions>();
        });
        return services;
    }

    /// <summary>Types written as JSON other than their shape: event data, and the engine's board as rows.</summary>
    private static void MapTypes(SwaggerGenOptions o)
    {
        o.MapType<JsonNode>(() => new OpenApiSchema { Type = JsonSchemaType.Object, Description = "The event's data." });
        // The engine's board is written as JSON rows (BoardJsonConverter), as every board the API shows.
        o.MapType<Board>(() => new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Description = "The 4x4 board as board[y][x], rows top to bottom, 0 for an empty cell.",
            MinItems = Board.Size,
            MaxItems = Board.Size,
            Items = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                MinItems = Board.Size,
                MaxItems = Board.Size,
                Items = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0" },
            },
        });
    }

    /// <summary>The session's bearer token and the admin key.</summary>
    private static void AddSecuritySchemes(SwaggerGenOptions o)
    {
        o.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The session's token, returned once by POST /sessions.",
        });
        o.AddSecurityDefinition(AdminKeyScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AdminKey.Header,
            Description = "The server's admin key (EventApi:AdminKey). The admin endpoints answer 403 while none is configured.",
        });
    }

    public static WebApplication UseEventApiOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/swagger/v1/swagger.json", "EventApi v1");
            o.RoutePrefix = "swagger";
        });
        return app;
    }

    /// <summary>Security per operation, and an example body for every problem response.</summary>
    private sealed class OperationConventions : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var responses = operation.Responses ??= new OpenApiResponses();
            var admin = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<AdminKeyRequirement>().Any();
            operation.Security = admin || responses.ContainsKey("401")
                ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(admin ? AdminKeyScheme : BearerScheme, context.Document)] = [] }]
                : [];

            var path = context.ApiDescription.RelativePath ?? "";
            ListWhatEveryRouteCanAnswer(responses, path, context);
            foreach (var (code, response) in responses)
            {
                if (!int.TryParse(code, out var status) || status < 400 || response.Content is null) continue;
                foreach (var media in response.Content.Values.OfType<OpenApiMediaType>())
                {
                    media.Example = ProblemExample(status, path, context.ApiDescription.HttpMethod ?? HttpMethods.Get);
                }
            }

            DocumentHeaders(operation, responses, context);
            DocumentRetryAfter(responses);
        }

        /// <summary>Every 429 comes with Retry-After.</summary>
        private static void DocumentRetryAfter(OpenApiResponses responses)
        {
            if (!responses.TryGetValue("429", out var response) || response is not OpenApiResponse tooMany) return;
            tooMany.Headers ??= new Dictionary<string, IOpenApiHeader>();
            tooMany.Headers[HeaderDocs.RetryAfter] = new OpenApiHeader
            {
                Description = HeaderDocs.Descriptions[HeaderDocs.RetryAfter],
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
            };
        }

        private static void DocumentHeaders(OpenApiOperation operation, OpenApiResponses responses, OperationFilterContext context)
        {
            var docs = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<HeaderDocs>().FirstOrDefault();
            if (docs is null) return;

            operation.Parameters ??= [];
            foreach (var header in docs.Request)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = header,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = HeaderDocs.Descriptions[header],
                    Schema = HeaderDocs.Schema(header),
                });
            }

            foreach (var (status, header) in docs.Response)
            {
                if (!responses.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response)
                    || response is not OpenApiResponse concrete) continue;
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers[header] = new OpenApiHeader
                {
                    Description = HeaderDocs.Descriptions[header],
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
        }

        /// <summary>
        /// Answers that do not depend on the endpoint: every request whose declared body is over the limit is a 413 (the
        /// body limit middleware sees every request), and a path parameter holding dot segments or encoded slashes can
        /// make the path name no route at all (404).
        /// </summary>
        private static void ListWhatEveryRouteCanAnswer(OpenApiResponses responses, string path, OperationFilterContext context)
        {
            if (!responses.ContainsKey("413")) responses["413"] = ProblemResponse("Content Too Large", context);
            if (path.Contains('{', StringComparison.Ordinal) && !responses.ContainsKey("404")) responses["404"] = ProblemResponse("Not Found", context);
        }

        private static OpenApiResponse ProblemResponse(string description, OperationFilterContext context) => new()
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) },
            },
        };

        /// <summary>The problem type an admin operation's <paramref name="status"/> stands for in its example.</summary>
        private static string AdminExampleType(int status, string path) => status switch
        {
            400 => ProblemTypes.ValidationFailed,
            404 when path.StartsWith("admin/dead-letters", StringComparison.Ordinal) => ProblemTypes.DeadLetterNotFound,
            401 => ProblemTypes.MissingAdminKey,
            403 => ProblemTypes.InvalidAdminKey,
            404 => ProblemTypes.ProjectionNotFound,
            406 => ProblemTypes.NotAcceptable,
            409 => ProblemTypes.RebuildInProgress,
            500 => ProblemTypes.RebuildFailed,
            _ => ProblemTypes.ForStatus(status),
        };

        /// <summary>The problem type an operation's <paramref name="status"/> stands for in its example.</summary>
        private static string ExampleType(int status, string path) => path.StartsWith("admin/", StringComparison.Ordinal)
            ? AdminExampleType(status, path)
            : status switch
            {
                400 when path.EndsWith("abandon", StringComparison.Ordinal) => ProblemTypes.InvalidHeader,
                400 when path.StartsWith("challenges", StringComparison.Ordinal) || path.Contains("{day}", StringComparison.Ordinal) => ProblemTypes.InvalidDate,
                400 => ProblemTypes.ValidationFailed,
                401 => ProblemTypes.MissingToken,
                403 => ProblemTypes.InvalidToken,
                404 when path.StartsWith("claims", StringComparison.Ordinal) => ProblemTypes.ClaimNotFound,
                404 when path.StartsWith("challenges", StringComparison.Ordinal) => ProblemTypes.ChallengeNotAvailable,
                404 when path.StartsWith("players", StringComparison.Ordinal) => ProblemTypes.PlayerNotFound,
                404 when path.StartsWith("sessions", StringComparison.Ordinal) => ProblemTypes.SessionNotFound,
                404 => ProblemTypes.NotFound,
                406 => ProblemTypes.NotAcceptable,
                409 => ProblemTypes.ConcurrencyConflict,
                412 => ProblemTypes.VersionMismatch,
                413 => ProblemTypes.RequestTooLarge,
                415 => ProblemTypes.UnsupportedMediaType,
                422 when path.EndsWith("moves", StringComparison.Ordinal) => ProblemTypes.MoveChangesNothing,
                422 when path.EndsWith("replay", StringComparison.Ordinal) || path.EndsWith("live", StringComparison.Ordinal) => ProblemTypes.VersionOutOfRange,
                422 when path == "claims" => ProblemTypes.ClaimRejected,
                422 when path == "sessions" => ProblemTypes.IdempotencyKeyReused,
                422 => ProblemTypes.SessionNotActive,
                429 => ProblemTypes.TooManyRequests,
                503 when path.EndsWith("live", StringComparison.Ordinal) => ProblemTypes.LiveCapacityReached,
                503 => ProblemTypes.DatabaseUnavailable,
                _ => ProblemTypes.InternalError,
            };

        /// <summary>The example of the problem <paramref name="status"/> stands for, made by the code that makes it.</summary>
        private static JsonObject ProblemExample(int status, string path, string method) =>
            ProblemExamples.For(ExampleType(status, path), path, method);
    }

    /// <summary>
    /// A nullable property of a described type comes out as <c>allOf: [$ref]</c> with <c>nullable</c>, and OpenAPI 3.0's
    /// <c>nullable</c> does not reach into <c>allOf</c>: the referenced object's own schema still refuses null, so a
    /// validator refuses every null such a property holds. Such a property is written out instead: the referenced
    /// object's properties inline, with <c>type: object</c> and <c>nullable: true</c>, which 3.0 reads as "that object, or null".
    /// </summary>
    private sealed class NullableReferenceConventions : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema.Properties is null) return;
            foreach (var property in schema.Properties.Values.OfType<OpenApiSchema>())
            {
                if (property.AllOf is not [OpenApiSchemaReference reference] || property.Type is not { } type || !type.HasFlag(JsonSchemaType.Null)
                    || !context.SchemaRepository.Schemas.TryGetValue(reference.Reference.Id!, out var target))
                    continue;

                property.AllOf = null;
                property.Type = JsonSchemaType.Object | JsonSchemaType.Null;
                property.Properties = target.Properties;
                property.Required = target.Required;
                property.AdditionalPropertiesAllowed = target.AdditionalPropertiesAllowed;
                property.Description ??= target.Description;
            }
        }
    }

    /// <summary>Servers, described tags, and no schema that nothing uses.</summary>
    private sealed class DocumentConventions : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            RemoveUnusedSchemas(document);
            // Relative: the server that serves the document (a generated client takes its base address from its caller).
            document.Servers = [new OpenApiServer { Url = "/", Description = "The server this document is served from." }];
            document.Tags = new HashSet<OpenApiTag>
            {
                new() { Name = "Sessions", Description = "Start sessions of 2048, play moves, read their state and their event streams." },
                new() { Name = "Claims", Description = "Submit games played offline: the server replays every move with the engine and records the verdict, verified or rejected, as the claim's own stream." },
                new() { Name = "Challenges", Description = "The daily challenge: one public seed per UTC day." },
                new() { Name = "Statistics", Description = "Global, daily and player statistics, built by the async daemon." },
                new() { Name = "Leaderboards", Description = "The top finished games, overall and per daily challenge." },
                new() { Name = "Achievements", Description = "The first time each player reached each milestone tile, recorded once by the side effects." },
                new() { Name = "Admin", Description = "Operating the async daemon (the state of every projection shard, and rebuilds) and the side effects (their dead letters, replays and figures). Needs the X-Admin-Key header." },
            };
        }

        /// <summary>A schema that <see cref="NullableReferenceConventions"/> wrote out inline may be referenced no more.</summary>
        private static void RemoveUnusedSchemas(OpenApiDocument document)
        {
            if (document.Components?.Schemas is not { } schemas) return;
            while (true)
            {
                using var text = new StringWriter();
                document.SerializeAsV3(new OpenApiJsonWriter(text));
                var written = text.ToString();
                var unused = schemas.Keys.Where(name => !written.Contains($"\"#/components/schemas/{name}\"", StringComparison.Ordinal)).ToList();
                if (unused.Count == 0) return;
                foreach (var name in unused) schemas.Remove(name);
            }
        }
    }
}
