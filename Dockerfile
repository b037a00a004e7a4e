# The Breakwater gateway in a container. docs/deployment.md says how to build, run, configure and persist it.
#   docker build -t breakwater .
#   docker run -p 8529:8529 -v breakwater-state:/home/app/.breakwater breakwater

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so that a source change does not download the packages again.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props LICENSE ./
COPY src/Breakwater/Breakwater.csproj src/Breakwater/
COPY src/Breakwater.Gateway/Breakwater.Gateway.csproj src/Breakwater.Gateway/
COPY src/Breakwater.Simulator/Breakwater.Simulator.csproj src/Breakwater.Simulator/
COPY src/Breakwater.Cli/Breakwater.Cli.csproj src/Breakwater.Cli/
RUN dotnet restore src/Breakwater.Cli
COPY src/ src/
# .ci/package-check runs this publish command, with these flags, on every CI run.
RUN dotnet publish src/Breakwater.Cli -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The image's own non-root user "app" ($APP_UID). Its ~/.breakwater holds the state: journal.db (the incident
# journal) and jobs.db (deferred jobs); the folder is created here so that the volume belongs to that user.
ENV HOME=/home/app \
    BREAKWATER__LISTENADDRESS=0.0.0.0 \
    BREAKWATER__PORT=8529
RUN mkdir -p /home/app/.breakwater && chown -R "$APP_UID" /home/app/.breakwater
USER $APP_UID
VOLUME /home/app/.breakwater
EXPOSE 8529
# The runtime image has no curl or wget: bash's /dev/tcp asks GET /healthz and wants "200" on the status line.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${BREAKWATER__PORT:-8529} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "Breakwater.Cli.dll"]
CMD ["serve"]
