using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.Infrastructure;

/// <summary>Collects what one of the host's meters measures (only this host's, by its meter factory): the side effects'
/// (<c>EventApi.SideEffects</c>), the session writer's (<c>EventApi.Sessions</c>).</summary>
public sealed class Measurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, string? Kind)> _measurements = [];

    public Measurements(ApiFactory api, string meterName)
    {
        var factory = api.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, factory))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of an instrument's measurements (of one kind when given).</summary>
    public double Sum(string instrument, string? kind = null)
    {
        lock (_measurements) return _measurements.Where(m => m.Instrument == instrument && (kind is null || m.Kind == kind)).Sum(m => m.Value);
    }

    /// <summary>An instrument's measurements, in the order they came.</summary>
    public IReadOnlyList<double> Values(string instrument)
    {
        lock (_measurements) return [.. _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value)];
    }

    public int Count(string instrument)
    {
        lock (_measurements) return _measurements.Count(m => m.Instrument == instrument);
    }

    /// <summary>Reads the observable gauges now.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    /// <summary>The last observed value of a gauge.</summary>
    public double Last(string instrument)
    {
        lock (_measurements) return _measurements.Last(m => m.Instrument == instrument).Value;
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? kind = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "kind") kind = tag.Value as string;
        }

        lock (_measurements) _measurements.Add((instrument.Name, value, kind));
    }

    public void Dispose() => _listener.Dispose();
}
