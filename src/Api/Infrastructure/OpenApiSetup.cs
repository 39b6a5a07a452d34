using System.Text.Json.Nodes;
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
            o.SchemaFilter<NullableReferenceConventions>();
            o.SchemaFilter<ContractSchemaConventions>();
            o.OperationFilter<OperationConventions>();
            o.DocumentFilter<ProblemSchemaConventions>();
            o.DocumentFilter<DocumentConventions>();
        });
        return services;
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
            foreach (var (code, response) in responses)
            {
                if (!int.TryParse(code, out var status) || status < 400 || response.Content is null) continue;
                foreach (var media in response.Content.Values.OfType<OpenApiMediaType>())
                {
                    media.Example = ProblemExample(status, path);
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
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
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

        private static (string Type, string Title, string Detail) AdminProblemExample(int status, string path) => status switch
        {
            400 => (ProblemTypes.ValidationFailed, "Validation failed", "One or more fields are invalid; see errors."),
            404 when path.StartsWith("admin/dead-letters", StringComparison.Ordinal) =>
                (ProblemTypes.DeadLetterNotFound, "Dead letter not found", "There is no dead-lettered side effect '0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10:274:webhook' (it may have been replayed, discarded or delivered)."),
            401 => (ProblemTypes.MissingAdminKey, "Admin key required", "Send the admin key in the X-Admin-Key header."),
            403 => (ProblemTypes.InvalidAdminKey, "Invalid admin key", "The X-Admin-Key header does not hold this server's admin key."),
            404 => (ProblemTypes.ProjectionNotFound, "Projection not found", "There is no async projection 'stats'. The async projections are leaderboard, player-statistics, session-timeline, statistics."),
            406 => (ProblemTypes.NotAcceptable, "Not acceptable", "This endpoint answers with application/json (or application/problem+json)."),
            409 => (ProblemTypes.RebuildInProgress, "Rebuild in progress", "'statistics' is already being rebuilt; its rebuild answers when it has finished."),
            500 => (ProblemTypes.RebuildFailed, "Rebuild failed", "Rebuilding 'statistics' failed: A finished game's highest tile must be a power of two from 2, not 3. See GET /admin/projections for the shard's state."),
            _ => (ProblemTypes.DatabaseUnavailable, "Database unavailable", "PostgreSQL cannot be reached; try again shortly."),
        };

        private static JsonObject ProblemExample(int status, string path)
        {
            var (type, title, detail) = path.StartsWith("admin/", StringComparison.Ordinal) ? AdminProblemExample(status, path) : status switch
            {
                400 when path.EndsWith("abandon", StringComparison.Ordinal) =>
                    (ProblemTypes.InvalidHeader, "Invalid If-Match header", "If-Match must be \"*\" or a list of strong ETags such as \"7\"."),
                400 => (ProblemTypes.ValidationFailed, "Validation failed", "One or more fields are invalid; see errors."),
                401 => (ProblemTypes.MissingToken, "Bearer token required", "Send the session's token as 'Authorization: Bearer <token>'."),
                403 => (ProblemTypes.InvalidToken, "Invalid token", "The bearer token is not this session's token."),
                404 when path.StartsWith("claims", StringComparison.Ordinal) =>
                    (ProblemTypes.ClaimNotFound, "Claim not found", "There is no claim 0195f1c4-7b3e-7d2a-8c51-3e8f9a6b7d21."),
                404 => (ProblemTypes.SessionNotFound, "Session not found", "There is no session 0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10."),
                409 => (ProblemTypes.ConcurrencyConflict, "Concurrent change", "The session changed while this request was handled; nothing was appended."),
                412 => (ProblemTypes.VersionMismatch, "Version mismatch", "The session is at version 7; If-Match named another."),
                413 => (ProblemTypes.RequestTooLarge, "Request body too large", "The request body is larger than the limit."),
                406 => (ProblemTypes.NotAcceptable, "Not acceptable", "This endpoint answers with application/json (or application/problem+json)."),
                415 => (ProblemTypes.UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."),
                422 when path.EndsWith("moves", StringComparison.Ordinal) =>
                    (ProblemTypes.MoveChangesNothing, "Move changes nothing", "Move 2 (left) moves no tile."),
                422 when path == "claims" =>
                    (ProblemTypes.ClaimRejected, "Claim rejected", "Move 2 (up) moves no tile."),
                422 when path == "sessions" =>
                    (ProblemTypes.IdempotencyKeyReused, "Idempotency key reused", "This Idempotency-Key was first sent with a different request."),
                422 => (ProblemTypes.SessionNotActive, "Session not active", "The session is already over."),
                429 when path == "sessions" =>
                    (ProblemTypes.TooManyRequests, "Too many requests", "Too many sessions were started from this address. Try again in 1 second."),
                429 when path == "claims" =>
                    (ProblemTypes.TooManyRequests, "Too many requests", "Too many claims were submitted from this address. Try again in 6 seconds."),
                429 => (ProblemTypes.TooManyRequests, "Too many requests", "Too many requests to this session came with a missing or wrong token. Try again in 60 seconds."),
                503 => (ProblemTypes.DatabaseUnavailable, "Database unavailable", "PostgreSQL cannot be reached; try again shortly."),
                _ => (ProblemTypes.InternalError, "Internal server error", "An unexpected error occurred."),
            };
            var example = new JsonObject { ["type"] = type, ["title"] = title, ["status"] = status, ["detail"] = detail };
            if (type == ProblemTypes.ValidationFailed)
            {
                example["errors"] = path.EndsWith("moves", StringComparison.Ordinal) || path == "claims"
                    ? new JsonObject { ["moves[1]"] = new JsonArray("'north' is not a move; use up, right, down or left.") }
                    : path.StartsWith("admin/", StringComparison.Ordinal)
                        ? new JsonObject { ["limit"] = new JsonArray("'limit' must be from 1 to 1000.") }
                        : new JsonObject { ["player"] = new JsonArray("'player' is required.") };
            }
            else if (type == ProblemTypes.ClaimRejected)
            {
                example["claimId"] = "0195f1c4-7b3e-7d2a-8c51-3e8f9a6b7d21";
                example["moveIndex"] = 2;
                example["reason"] = "move-changes-nothing";
                example["replayedScore"] = 0;
            }
            return example;
        }
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
            document.Servers = [new OpenApiServer { Url = "http://127.0.0.1:5080", Description = "The API as the README's run command starts it." }];
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
