using System.Text.Json;
using System.Text.Json.Serialization;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure;
using EventApi.Projections.Sessions;
using JasperFx;
using JasperFx.Events.Projections;
using Marten;

namespace EventApi.Bench.Harness;

/// <summary>The session events in a Marten store of the bench's: the store and daemon modes build theirs here.</summary>
public static class SessionStore
{
    // What Marten's UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase) amounts to for reading.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// A store as MartenSetup.AddEventApiMarten builds the API's (same serializer and event settings), without the web
    /// host; <paramref name="autoCreate"/> <see cref="AutoCreate.None"/> on a schema the API created.
    /// </summary>
    public static DocumentStore Create(string connection, string schema, bool sessionView, AutoCreate autoCreate = AutoCreate.CreateOrUpdate)
    {
        // The product's store settings (MartenSetup), without the web host, its documents and its daemon.
        var options = new StoreOptions().UseEventStoreSettings(connection);
        options.DatabaseSchemaName = schema;
        options.AutoCreateSchemaObjects = autoCreate;
        options.AddSessionEvents();
        if (sessionView) options.AddSessionView();
        return new DocumentStore(options);
    }

    /// <summary>The event types by the names <paramref name="store"/> stores them with, to read <c>mt_events</c> by hand.</summary>
    public static Dictionary<string, Type> TypesByName(DocumentStore store) =>
        ((IReadOnlyStoreOptions)store.Options).Events.AllKnownEventTypes().ToDictionary(t => t.EventTypeName, t => t.EventType);
}
