using System.Globalization;
using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Daemon;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Operations;

/// <summary>
/// Degraded (never unhealthy) while an async shard is paused or stopped, or lags past
/// <c>EventApi:Projections:MaxLagEvents</c> or <c>MaxLagSeconds</c>. A stalled daemon leaves every node able to serve
/// commands and inline reads, so it must not take them out of rotation; it shows in the readiness body instead.
/// </summary>
public sealed class ProjectionsReadyCheck(DaemonMonitor monitor, IOptionsMonitor<ProjectionsOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await monitor.ReadAsync(full: false, cancellationToken);
        var problems = Assess(report, options.CurrentValue);
        return problems.Length == 0
            ? HealthCheckResult.Healthy($"{report.Shards.Count} async shards running and within the lag limits.")
            : HealthCheckResult.Degraded(string.Join(" ", problems));
    }

    /// <summary>What is wrong with each shard that is not running, or lags past a limit.</summary>
    internal static string[] Assess(DaemonReport report, ProjectionsOptions limits) =>
        report.Shards.Select(shard => shard switch
            {
                { Status: not ShardStatus.Running } =>
                    $"{shard.Name} is {shard.Status.ToString().ToLowerInvariant()}{(shard.Error is { } e ? $" ({e.Type}: {e.Message})" : "")}.",
                { LagEvents: var events } when events > limits.MaxLagEvents =>
                    $"{shard.Name} is {events} events behind (limit {limits.MaxLagEvents}).",
                { LagSeconds: var seconds } when seconds > limits.MaxLagSeconds =>
                    string.Create(CultureInfo.InvariantCulture, $"{shard.Name} is {seconds:0.#} s behind (limit {limits.MaxLagSeconds} s)."),
                _ => null,
            })
            .OfType<string>()
            .ToArray();
}
