using System.Text.Json;
using System.Text.Json.Serialization;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure;
using Marten;
using Npgsql;

namespace EventApi.Floor;

/// <summary>
/// The floor's process: <c>POST /sessions/{id}/moves</c> (<see cref="FloorMoves"/>) and <c>GET /health/live</c>, on
/// the database of <c>ConnectionStrings:Postgres</c>, whose schema the API has made. Nothing else: no validation library,
/// no problem details, no idempotency, no rate limits, no logging on the path.
/// </summary>
public static class FloorHost
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var connectionString = builder.Configuration.GetConnectionString(MartenSetup.ConnectionStringName)
                               ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set.");

        // The store's own settings, for the names and the JSON it writes events and documents with; never opened.
        var options = new StoreOptions();
        options.UseEventStoreSettings(connectionString);
        options.AddSessionEvents();
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        };
        await using var source = new NpgsqlDataSourceBuilder(MartenSetup.WithAutoPrepare(connectionString)).Build();
        var moves = new FloorMoves(source, options, json);

        var app = builder.Build();
        app.MapGet("/health/live", () => Results.Ok());
        app.MapPost("/sessions/{id:guid}/moves", (Guid id, HttpContext http, CancellationToken ct) => moves.HandleAsync(id, http, ct));
        await app.RunAsync();
    }
}
