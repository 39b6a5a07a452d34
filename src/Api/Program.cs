using EventApi.Api.Infrastructure;
using JasperFx;

var builder = WebApplication.CreateBuilder(args);
builder.AddEventApi();

var app = builder.Build();
app.UseEventApi();

// Also gives Marten's and Wolverine's commands: projections, db-apply, resources, storage, codegen, describe.
return await app.RunJasperFxCommands(args);

/// <summary>The API host; public for WebApplicationFactory.</summary>
public partial class Program;
