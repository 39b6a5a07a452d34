using EventApi.Api.Infrastructure;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.Infrastructure;

/// <summary>Streams as the first version of the events (before sealed secrets) left them in the store.</summary>
public static class FirstVersionStreams
{
    /// <summary>
    /// Appends the events through a store configured as the first version was (its event types under their names then),
    /// then, as that version kept them, rebuilds the session's inline view.
    /// </summary>
    public static async Task WriteAsTheFirstVersionDidAsync(this ApiFactory api, Guid id, IReadOnlyList<object> events)
    {
        var connectionString = api.Services.GetRequiredService<IConfiguration>().GetConnectionString(MartenSetup.ConnectionStringName)!;
        using (var firstVersion = DocumentStore.For(options =>
        {
            options.UseEventStoreSettings(connectionString);
            options.AutoCreateSchemaObjects = AutoCreate.None;
            options.Events.MapEventType<SessionStartedV1>("session_started");
            options.Events.MapEventType<GameOverV1>("game_over");
            options.Events.MapEventType<SessionAbandonedV1>("session_abandoned");
            options.Events.AddEventType<TilesMoved>();
        }))
        {
            await using var writer = firstVersion.LightweightSession();
            writer.Events.StartStream(id, events);
            await writer.SaveChangesAsync();
        }

        await api.Store.Advanced.RebuildSingleStreamAsync<SessionView>(id);
    }
}
