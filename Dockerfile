# syntax=docker/dockerfile:1
# devopsbot: a static Go binary on distroless (CA certificates, time zones and
# a nonroot user 65532 included; no shell). Build and run:
#   docker build --build-arg VERSION=$(git describe --always) -t devopsbot .
#   docker run --rm -e SLACK_BOT_TOKEN=xoxb-... -e SLACK_APP_TOKEN=xapp-... \
#     -v devopsbot-data:/data devopsbot
# The console without Slack: docker run --rm -it devopsbot console
#
# Another platform (an image built on an ARM laptop for x86 Fargate, or the
# reverse): docker buildx build --platform linux/amd64 -t devopsbot . The Go
# toolchain runs natively on the build machine ($BUILDPLATFORM) and
# cross-compiles for TARGETOS/TARGETARCH; the runtime image is pulled for the
# target platform.
#
# Base images: the builder is pinned by the digest of the golang:1.26 image
# index (all platforms; Go 1.26.5 on Debian trixie, as recorded in
# docker-library/repo-info, repos/golang/remote/1.26.md). Update it with
#   docker buildx imagetools inspect golang:1.26
# The runtime image is not pinned yet: no public record we could check gives
# its digest. Pin it the same way before relying on reproducible builds:
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot
# and write FROM gcr.io/distroless/static-debian12:nonroot@sha256:<index digest>.

FROM --platform=$BUILDPLATFORM golang:1.26@sha256:3aff6657219a4d9c14e27fb1d8976c49c29fddb70ba835014f477e1c70636647 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG TARGETOS
ARG TARGETARCH
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" \
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
