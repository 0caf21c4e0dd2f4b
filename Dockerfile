# The simulate command and the review files, for running sweeps on a
# cluster (deploy/k8s/sweep-job.yaml, docs/distributed.md).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/simulate ./cmd/simulate

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /rmqsim
COPY --from=build /out/simulate /usr/local/bin/simulate
# Scenarios listed by `simulate list` are built into the binary; review
# files and the scenarios they name by path are read from here.
COPY reviews/ reviews/
ENTRYPOINT ["simulate"]
