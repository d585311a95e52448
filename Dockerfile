# Deploybot as one small image: the Native AOT binary on .NET's Alpine runtime-deps image, plus git.
#
#   docker build -t deploybot .
#   docker run -p 8080:8080 -v deploybot-data:/data -e SLACK_SIGNING_SECRET=… -e SLACK_BOT_TOKEN=… deploybot
#   docker run --rm -e DATABASE_URL=… deploybot /app/bot migrate
#
# The build context is this folder (Heroku fixes it to the Dockerfile's own folder, so the Dockerfile sits at
# the repository root). Why Alpine and not a chiseled image: the bot clones the repositories it deploys with
# git, and Heroku starts a container's commands through /bin/sh; a chiseled image has neither.

# Images; each can be replaced with --build-arg (a mirror, a local base image).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-alpine
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0-alpine
# The stage (or image) that holds the published binary in /out: normally the build stage below.
ARG BOT_FROM=build

FROM ${SDK_IMAGE} AS build
# Native AOT links with clang; on Alpine the SDK publishes for linux-musl by itself.
RUN apk add --no-cache clang build-base zlib-dev
WORKDIR /src
COPY Directory.Build.props ./
COPY src/Bot/ src/Bot/
RUN dotnet publish src/Bot -c Release -p:PublishAot=true -o /out && rm -f /out/*.dbg

FROM ${BOT_FROM} AS bot

FROM ${RUNTIME_IMAGE} AS runtime
# How git gets into the image (the default suits Alpine; a base image that already has git passes "true").
ARG INSTALL_GIT="apk add --no-cache git"
# The runtime-deps images' own non-root user (app, 1654).
ARG APP_UID=1654
RUN ${INSTALL_GIT} && mkdir -p /data && chown ${APP_UID} /data
COPY --from=bot /out/ /app/
# PORT: Heroku and Cloud Run set their own; DATA_DIR: the SQLite file, clones and release folders.
ENV PORT=8080 \
    DATA_DIR=/data
VOLUME /data
WORKDIR /data
USER ${APP_UID}
EXPOSE 8080
# No curl in the image: the binary asks its own /healthz (exit code 0 or 1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["/app/bot", "health"]
# No ENTRYPOINT: Heroku runs heroku.yml's commands through /bin/sh -c, which an entrypoint would receive as arguments.
CMD ["/app/bot", "serve"]
