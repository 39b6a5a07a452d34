using System.Text.Json;
using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Daemon;
using Marten;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace EventApi.Api.Operations;

/// <summary>Ready when PostgreSQL answers and every table the store is configured with exists.</summary>
public sealed class DatabaseReadyCheck(IDocumentStore store) : IHealthCheck
{
    private string[]? _tables;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var expected = _tables ??= ExpectedTables(store);
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace " +
                "where c.relkind in ('r', 'p') and n.nspname || '.' || c.relname = any(@tables)", connection);
            command.Parameters.AddWithValue("tables", expected);
            var found = new HashSet<string>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken)) found.Add(reader.GetString(0));
            }

            var missing = expected.Where(t => !found.Contains(t)).ToArray();
            return missing.Length == 0
                ? HealthCheckResult.Healthy("PostgreSQL answers and the schema is in place.")
                : HealthCheckResult.Unhealthy($"The schema is not in place: missing {string.Join(", ", missing)}.");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL cannot be reached.", e);
        }
    }

    private static string[] ExpectedTables(IDocumentStore store)
    {
        return store.Options.AllKnownDocumentTypes()
            .Select(m => m.TableName.QualifiedName)
            .Concat(EventStoreTables.Names((StoreOptions)store.Options))
            .Distinct()
            .ToArray();
    }
}

public static class HealthFeature
{
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: ["ready"])
            // A failing read of the daemon's state degrades readiness too; the database check says when PostgreSQL is gone.
            .AddCheck<ProjectionsReadyCheck>("projections", failureStatus: HealthStatus.Degraded, tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        // Probes for orchestrators, outside the API's OpenAPI contract (docs/operations.md, "Health").
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = Write });
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = Write });
        return routes;
    }

    /// <summary>Healthy: a JSON report. Degraded: the same with 200, status "degraded" and the reasons in detail.
    /// Unhealthy: a 503 problem that carries the same report.</summary>
    private static Task Write(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description });
        string Reasons(HealthStatus status) =>
            string.Join(" ", report.Entries.Values.Where(e => e.Status == status).Select(e => e.Description));
        object body = report.Status switch
        {
            HealthStatus.Unhealthy => new
            {
                type = ProblemTypes.NotReady,
                title = "Not ready",
                status = StatusCodes.Status503ServiceUnavailable,
                detail = Reasons(HealthStatus.Unhealthy),
                checks,
            },
            HealthStatus.Degraded => new { status = "degraded", detail = Reasons(HealthStatus.Degraded), checks },
            _ => new { status = "healthy", checks },
        };
        context.Response.ContentType = report.Status == HealthStatus.Unhealthy ? "application/problem+json" : "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), context.RequestAborted);
    }
}
