# syntax=docker/dockerfile:1
# devopsbot: a static Go binary on distroless (CA certificates, time zones and
# a nonroot user 65532 included; no shell). Build and run:
#   docker build --build-arg VERSION=$(git describe --always) -t devopsbot .
#   docker run --rm -e SLACK_BOT_TOKEN=xoxb-... -e SLACK_APP_TOKEN=xapp-... \
#     -v devopsbot-data:/data devopsbot
# The console without Slack: docker run --rm -it devopsbot console

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" \
      -o /out/devopsbot ./cmd/devopsbot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/devopsbot /usr/local/bin/devopsbot
# An empty /data owned by nonroot: a new named volume takes this ownership.
COPY --from=build --chown=65532:65532 /out/data /data
ENV DEVOPSBOT_DB=/data/devopsbot.db \
    DEVOPSBOT_ADDR=:3000
VOLUME /data
EXPOSE 3000
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["/usr/local/bin/devopsbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/devopsbot"]
CMD ["serve"]
