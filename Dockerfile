# EventApi HTTP API: multi-stage build (SDK) -> runtime (ASP.NET Core), running as the image's non-root `app` user.
#
#   docker build -t eventapi-api .
#   docker compose up --build          # with PostgreSQL; see docker-compose.yml
#
# The container needs ConnectionStrings__Postgres (an Npgsql connection string); the API creates its schema on start-up.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore inputs first, so this layer is reused until a project file, a central package version or the package sources
# change. nuget.config lists nuget.org plus the folder source packages/local (the forwarding package restore needs,
# selected by package source mapping), so both must be present before the restore.
COPY nuget.config Directory.Build.props Directory.Packages.props ./
COPY packages/local/ packages/local/
COPY src/Domain/EventApi.Domain.csproj src/Domain/
COPY src/Projections/EventApi.Projections.csproj src/Projections/
COPY src/Api/EventApi.Api.csproj src/Api/
RUN dotnet restore src/Api/EventApi.Api.csproj

# Then the sources (only src/: nothing under src/ refers to files outside it) and the publish.
COPY src/ src/
RUN dotnet publish src/Api/EventApi.Api.csproj -c Release -o /app --no-restore -p:UseAppHost=false


FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# Listen on all interfaces inside the container (the API's own default, from scripts/run-api.sh and
# launchSettings.json, is loopback 5080). The JasperFx command line takes no --urls, so the address comes from here.
ENV ASPNETCORE_URLS=http://+:8080

# Files stay owned by root: the app only reads them.
COPY --from=build /app ./

# The aspnet image defines the non-root user `app` and its UID in APP_UID (1654); a numeric USER also satisfies
# runAsNonRoot checks in Kubernetes.
USER $APP_UID
EXPOSE 8080

# No HEALTHCHECK here: the aspnet image has no curl or wget. docker-compose.yml probes /health/ready with bash instead.
ENTRYPOINT ["dotnet", "EventApi.Api.dll"]
